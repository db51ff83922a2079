import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { capturedLogLines } from '../support/log-capture.js';
import { buildTestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const CREATE_PATH = /^\/gateway\/[^/?]+\/transaction(\?|$)/;

describe('POST /transactions with an Idempotency-Key', () => {
  let t: GatewayTestApp;
  before(async () => {
    t = await buildGatewayTestApp({ env: { GATEWAY_TIMEOUT_MS: '3000' } });
  });
  after(() => t.close());
  beforeEach(() => t.emulator.state.reset());

  const upstreamCreates = (app: GatewayTestApp = t) =>
    app.emulator.state.requests.filter((r) => r.method === 'POST' && CREATE_PATH.test(r.url)).length;
  const send = (userId: string, key: string, body: object = { intent: 'CONNECT' }) =>
    request(t.app).post('/transactions').set(t.as(userId)).set('Idempotency-Key', key).send(body);

  it('answers concurrent requests with the same key with one transaction and one upstream call', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => send('idem-burst', 'burst-1')));
    for (const res of answers) assert.equal(res.status, 201, res.text);
    const ids = new Set(answers.map((res) => res.body.transactionId));
    assert.equal(ids.size, 1);
    assert.match([...ids][0], /^TRX_/);
    assert.equal(answers.filter((res) => res.headers['idempotent-replayed'] === 'true').length, 3);
    assert.equal(upstreamCreates(), 1);
  });

  it('replays the first result to a retry after the first request finished', async () => {
    const first = await send('idem-retry', 'retry-1').expect(201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const second = await send('idem-retry', 'retry-1').expect(201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(upstreamCreates(), 1);
    const otherUser = await send('idem-retry-other', 'retry-1').expect(201);
    assert.notEqual(otherUser.body.transactionId, first.body.transactionId);
    assert.equal(upstreamCreates(), 2);
    await send('idem-retry', 'bad key with spaces').expect(400);
  });

  it('replays the first result to a different body with the same key and logs a warning without the key', async () => {
    const key = 'reuse-key-7f3a9c';
    const first = await send('idem-reuse', key, { intent: 'CONNECT' }).expect(201);
    const other = await send('idem-reuse', key, { intent: 'HOLDINGS_IMPORT' }).expect(201);
    assert.deepEqual(other.body, first.body);
    assert.equal(other.body.intent, 'CONNECT');
    assert.equal(other.headers['idempotent-replayed'], 'true');
    assert.equal(upstreamCreates(), 1);
    const warning = capturedLogLines().find(
      (line) => line.includes('different request') && line.includes(String(other.headers['x-request-id'])),
    );
    assert.ok(warning, 'a warning names the request');
    assert.equal(JSON.parse(warning).keyPrefix, 'reus');
    assert.ok(!warning.includes(key), 'the whole key stays out of the log');
    assert.ok(!warning.includes('HOLDINGS_IMPORT'), 'the body stays out of the log');
  });

  it('releases the key when the upstream create fails so that a retry creates the transaction', async () => {
    await t.fault({ kind: 'status', status: 500 });
    const failed = await send('idem-fail', 'fail-1');
    assert.ok(failed.status >= 500, `first attempt answered ${failed.status}`);
    const retry = await send('idem-fail', 'fail-1').expect(201);
    assert.match(retry.body.transactionId, /^TRX_/);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.equal(upstreamCreates(), 2);
    const again = await send('idem-fail', 'fail-1').expect(201);
    assert.equal(again.body.transactionId, retry.body.transactionId);
    assert.equal(upstreamCreates(), 2);
  });

  it('lets a request waiting on a running first one take over the key when that one fails', async () => {
    await t.fault({ kind: 'hang' });
    const firstDone = send('idem-slow', 'slow-1').then((res) => res);
    // The key is claimed before the upstream call, so once the emulator has logged that call the key is taken.
    await waitFor('the first request to reach the Gateway', () => upstreamCreates() === 1);
    const waiting = send('idem-slow', 'slow-1').then((res) => res);
    assert.equal((await firstDone).status, 504);
    const second = await waiting;
    assert.equal(second.status, 201, second.text);
    assert.match(second.body.transactionId, /^TRX_/);
    assert.equal(second.headers['idempotent-replayed'], undefined);
    assert.equal(upstreamCreates(), 2);
  });

  it('answers 409 idempotency_conflict when the wait for a running request runs out', async () => {
    // Two instances on one store, as during a rollout: the first holds the key on a hanging Gateway
    // call with a long deadline; the second, with a short deadline, gives up after GATEWAY_TIMEOUT_MS + 5 s.
    const slow = await buildGatewayTestApp({ env: { GATEWAY_TIMEOUT_MS: '60000' } });
    const quick = buildTestApp({
      env: { GATEWAY_TIMEOUT_MS: '100', GATEWAY_API_URL: slow.emulator.url },
      deps: { store: slow.store },
    });
    try {
      await slow.fault({ kind: 'hang' });
      const post = (app: typeof quick.app) =>
        request(app)
          .post('/transactions')
          .set(slow.as('idem-stuck'))
          .set('Idempotency-Key', 'stuck-1')
          .send({ intent: 'CONNECT' })
          .then((res) => res);
      const firstDone = post(slow.app);
      await waitFor('the first request to reach the Gateway', () => upstreamCreates(slow) === 1);
      const started = performance.now();
      const res = await post(quick.app);
      const waitedMs = performance.now() - started;
      assert.equal(res.status, 409, res.text);
      assert.equal(res.body.code, 'idempotency_conflict');
      assert.ok(waitedMs >= 5100 * 0.9, `gave up after ${Math.round(waitedMs)} ms`);
      assert.equal(upstreamCreates(slow), 1);
      slow.emulator.releaseHanging();
      assert.ok((await firstDone).status >= 500);
    } finally {
      await quick.close();
      await slow.close();
    }
  });
});
