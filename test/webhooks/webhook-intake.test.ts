import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import request from 'supertest';
import type { WebhookOutcome } from '../../src/observability/metrics.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { sendHeadOnly } from '../support/raw-http.js';
import { buildTestApp, type TestApp, tempSqlitePath } from '../support/test-app.js';
import { serve, sign, webhookOutcomes } from './webhook-fixtures.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const portOf = (url: string) => Number(new URL(url).port);

describe('POST /webhooks/smallcase: a redelivery is recognised by its signed fields, and only they are kept', () => {
  let t: GatewayTestApp;
  let store: Store;
  let sqlite: ReturnType<typeof tempSqlitePath>;
  let outcomes: WebhookOutcome[];
  before(async () => {
    sqlite = tempSqlitePath();
    store = createSqliteStore(sqlite.path);
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = await buildGatewayTestApp({ deps: { store, metrics: observed.metrics } });
  });
  after(async () => {
    await t.close();
    await store.close();
    sqlite.cleanup();
  });

  const detailsReads = () =>
    t.emulator.state.requests.filter((r) => r.url.includes('/engine/transactiondetails')).length;

  it('answers a replay with another status, intent, extra keys and padding as a duplicate: no second store, no Gateway call', async () => {
    const transactionId = await t.create('replay-user', { intent: 'CONNECT' });
    await t.complete(transactionId, 'SCA_replay');
    const captured = sign({
      smallcaseAuthId: 'SCA_replay',
      transactionId,
      timestamp: nowSeconds(),
      status: 'COMPLETED',
      intent: 'CONNECT',
    });
    await request(t.app).post('/webhooks/smallcase').send(captured).expect(200);
    const readsAfterFirst = detailsReads();
    assert.equal(readsAfterFirst, 1, 'the first delivery reads the Gateway once');

    const forged = {
      ...captured,
      status: 'ERRORED',
      intent: 'HOLDINGS_IMPORT',
      batchId: 'BATCH_forged',
      securities: [{ nested: { deeper: [1, 2, 3] } }],
      padding: 'x'.repeat(512 * 1024),
    };
    await request(t.app).post('/webhooks/smallcase').send(forged).expect(200);
    assert.deepEqual(outcomes, ['applied', 'duplicate']);
    assert.equal(detailsReads(), readsAfterFirst, 'the replay fetched nothing');
    assert.equal((await store.links.findByUser('replay-user'))?.smallcaseAuthId, 'SCA_replay');

    const db = new Database(sqlite.path, { readonly: true });
    try {
      const rows = db
        .prepare('SELECT kind, payload FROM webhook_events WHERE transaction_id = ?')
        .all(transactionId) as Array<{ kind: string; payload: string }>;
      assert.equal(rows.length, 1);
      assert.deepEqual(JSON.parse(rows[0]?.payload ?? '{}'), {
        timestamp: String(captured.timestamp),
        smallcaseAuthId: 'SCA_replay',
        transactionId,
        intent: 'CONNECT',
        status: 'COMPLETED',
      });
    } finally {
      db.close();
    }
  });

  it('drops a transactionId the checksum does not cover unless this service created it: made-up ids replay as duplicates', async () => {
    const transactionId = await t.create('hint-user', { intent: 'CONNECT' });
    await t.complete(transactionId, 'SCA_hint');
    outcomes.splice(0);
    const upstreamCalls = () => t.emulator.state.requests.length;
    // Signed over the smallcaseAuthId only, as the Gateway signs its transaction webhooks.
    const captured = sign({ smallcaseAuthId: 'SCA_hint', timestamp: nowSeconds(), securities: [] });
    await request(t.app).post('/webhooks/smallcase').send(captured).expect(200);
    const callsAfterFirst = upstreamCalls();
    assert.ok(callsAfterFirst > 0, 'the holdings import read the Gateway');
    for (const madeUp of ['TRX_made_up_0', 'TRX_made_up_1', 'TRX_made_up_2']) {
      await request(t.app)
        .post('/webhooks/smallcase')
        .send({ ...captured, transactionId: madeUp })
        .expect(200);
    }
    assert.deepEqual(outcomes, ['applied', 'duplicate', 'duplicate', 'duplicate']);
    assert.equal(upstreamCalls(), callsAfterFirst, 'no Gateway call for a replay with a made-up id');

    // A transaction this service created is a real hint: its own event, read from the Gateway once.
    const withKnownId = { ...captured, transactionId };
    await request(t.app).post('/webhooks/smallcase').send(withKnownId).expect(200);
    await request(t.app).post('/webhooks/smallcase').send(withKnownId).expect(200);
    assert.deepEqual(outcomes.slice(4), ['applied', 'duplicate']);
    assert.equal((await store.links.findByUser('hint-user'))?.smallcaseAuthId, 'SCA_hint');
  });
});

describe('POST /webhooks/smallcase: cheap to refuse', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  let outcomes: WebhookOutcome[];
  const PER_MINUTE = 3;
  before(async () => {
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = buildTestApp({
      env: { RATE_LIMIT_PER_MINUTE: String(PER_MINUTE), TRUST_PROXY: 'loopback' },
      deps: { metrics: observed.metrics },
    });
    server = await serve(t.app);
  });
  after(async () => {
    await server.close();
    await t.close();
  });
  beforeEach(() => outcomes.splice(0));

  const head = (headers: Record<string, string>) =>
    [
      'POST /webhooks/smallcase HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      '',
      '',
    ].join('\r\n');

  it('refuses a declared Content-Length over 1 MB with 413 at once, without reading the body, and closes', async () => {
    const exchange = await sendHeadOnly(
      portOf(server.url),
      head({ 'Content-Length': String(50 * 1024 * 1024), 'X-Forwarded-For': '192.0.2.10' }),
    );
    assert.equal(exchange.status, 413);
    assert.equal(exchange.headers.get('connection'), 'close');
    assert.match(exchange.text, /"code":"payload_too_large"/);
    assert.deepEqual(outcomes, [], 'the webhook service never saw it');
  });

  it('cuts off a chunked body with 413 once it passes 1 MB', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.11' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"padding":"');
      for (let i = 0; i < 20; i += 1) req.write('x'.repeat(64 * 1024));
      req.end('"}');
    });
    assert.equal(status, 413);
  });

  it('after the refusal budget, answers one address 429 before reading its body; others and accepted deliveries are not held back', async () => {
    const from = (ip: string) => request(t.app).post('/webhooks/smallcase').set('X-Forwarded-For', ip);
    for (let i = 0; i < PER_MINUTE * 3; i += 1) {
      await from('198.51.100.7')
        .send(sign({ smallcaseAuthId: `SCA_budget_${i}`, timestamp: nowSeconds() }))
        .expect(200);
    }
    for (let i = 0; i < PER_MINUTE; i += 1) {
      const refused = await from('198.51.100.7').send({
        ...sign({ smallcaseAuthId: 'SCA_x' }),
        checksum: 'bad',
      });
      assert.equal(refused.status, 401);
    }
    const limited = await sendHeadOnly(
      portOf(server.url),
      head({ 'Content-Length': '1000000', 'X-Forwarded-For': '198.51.100.7' }),
    );
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    assert.match(limited.text, /"code":"rate_limited"/);
    await from('203.0.113.9')
      .send(sign({ smallcaseAuthId: 'SCA_elsewhere', timestamp: nowSeconds() }))
      .expect(200);
    const sameAddress = await from('198.51.100.7').send(
      sign({ smallcaseAuthId: 'SCA_late', timestamp: nowSeconds() }),
    );
    assert.equal(sameAddress.status, 429, 'the budget is per address, whatever the next body holds');
  });
});
