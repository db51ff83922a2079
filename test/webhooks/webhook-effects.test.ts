import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import type { WebhookOutcome } from '../../src/observability/metrics.js';
import { startTestEmulator } from '../support/gateway-emulator.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';
import { serve, sign, webhookOutcomes } from './webhook-fixtures.js';

describe('POST /webhooks/smallcase: effects read from the Gateway', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  let outcomes: WebhookOutcome[];
  before(async () => {
    emulator = await startTestEmulator();
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = buildTestApp({ env: { GATEWAY_API_URL: emulator.url }, deps: { metrics: observed.metrics } });
    server = await serve(t.app);
  });
  after(async () => {
    await server.close();
    await t.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.webhooks.configure({ url: server.url, backoffMs: 20, maxAttempts: 3 });
    outcomes.splice(0);
  });

  const as = (userId: string) => bearer(t.session(userId));
  const create = async (userId: string, body: object): Promise<string> =>
    (await request(t.app).post('/transactions').set(as(userId)).send(body).expect(201)).body.transactionId;
  const complete = async (transactionId: string, smallcaseAuthId: string, broker = 'kite') => {
    const res = await fetch(`${emulator.url}/__emulator/transactions/${transactionId}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ smallcaseAuthId, broker }),
    });
    assert.equal(res.status, 200, await res.text());
    await emulator.webhooks.idle();
  };
  const lastDelivery = () => emulator.webhooks.deliveries.at(-1) ?? assert.fail('no webhook was sent');
  const authToken = async (userId: string) => {
    const res = await request(t.app).post('/auth-token').set(as(userId)).expect(200);
    rememberToken(res.body.smallcaseAuthToken);
    return res.body.userType as string;
  };
  const linkAs = (partnerUserId: string, smallcaseAuthId: string) =>
    t.store.links.link({ partnerUserId, smallcaseAuthId, broker: 'kite', at: new Date() });

  it('end to end: a guest CONNECT completed in the emulator links the user through the webhook alone', async () => {
    const transactionId = await create('w-e2e', { intent: 'CONNECT' });
    assert.equal(await authToken('w-e2e'), 'guest');
    await complete(transactionId, 'SCA_w_e2e', 'upstox');
    assert.deepEqual(lastDelivery().attempts, [200]);
    assert.equal(lastDelivery().payload.checksum !== undefined, true);
    assert.equal(await authToken('w-e2e'), 'connected');
    const link = await t.store.links.findByUser('w-e2e');
    assert.equal(link?.smallcaseAuthId, 'SCA_w_e2e');
    assert.equal(link?.broker, 'upstox');
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'COMPLETED');
    assert.deepEqual(outcomes, ['applied']);
  });

  it('follows the Gateway, not the body: a claimed COMPLETED that the Gateway does not confirm links nobody', async () => {
    emulator.webhooks.configure({ url: undefined });
    const transactionId = await create('w-claim', { intent: 'CONNECT' });
    const claim = sign({
      transactionId,
      smallcaseAuthId: 'SCA_w_claim',
      status: 'COMPLETED',
      broker: 'evil',
    });
    await request(t.app).post('/webhooks/smallcase').send(claim).expect(200);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'INITIALIZED');
    assert.equal(await t.store.links.findByUser('w-claim'), undefined);
    await fetch(`${emulator.url}/__emulator/transactions/${transactionId}/fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const later = sign({
      transactionId,
      smallcaseAuthId: 'SCA_w_claim',
      status: 'COMPLETED',
      timestamp: Math.floor(Date.now() / 1000) + 1,
    });
    await request(t.app).post('/webhooks/smallcase').send(later).expect(200);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'ERRORED');
    assert.equal(await authToken('w-claim'), 'guest');
  });

  it('applies two concurrent deliveries once, and a later replay changes nothing', async () => {
    emulator.webhooks.configure({ url: undefined });
    const transactionId = await create('w-race', { intent: 'CONNECT' });
    await complete(transactionId, 'SCA_w_race');
    const body = sign({ transactionId, smallcaseAuthId: 'SCA_w_race' });
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => request(t.app).post('/webhooks/smallcase').send(body)),
    );
    assert.deepEqual(
      responses.map((res) => res.status),
      [200, 200, 200, 200],
    );
    assert.equal(outcomes.filter((outcome) => outcome === 'applied').length, 1);
    assert.equal(outcomes.filter((outcome) => outcome === 'duplicate').length, 3);
    assert.equal((await t.store.links.findByAccount('SCA_w_race'))?.partnerUserId, 'w-race');

    await t.store.transactions.update({
      transactionId,
      status: 'USED',
      smallcaseAuthId: null,
      broker: null,
      at: new Date(),
    });
    await t.store.links.unlink('w-race', new Date());
    emulator.state.requests.splice(0);
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'USED');
    assert.equal(await t.store.links.findByUser('w-race'), undefined);
    assert.equal(emulator.state.requests.length, 0, 'a duplicate fetches nothing');
  });

  it('keeps the uniqueness rules of POST /link: an account linked to someone else is not linked again', async () => {
    await linkAs('w-owner', 'SCA_w_shared');
    const transactionId = await create('w-second', { intent: 'CONNECT' });
    await complete(transactionId, 'SCA_w_shared');
    assert.deepEqual(lastDelivery().attempts, [200]);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'COMPLETED');
    assert.equal(await t.store.links.findByUser('w-second'), undefined);
    assert.equal((await t.store.links.findByAccount('SCA_w_shared'))?.partnerUserId, 'w-owner');
  });

  it('when the Gateway is down answers 503 and stores nothing; the redelivery applies', async () => {
    emulator.webhooks.configure({ url: undefined });
    const transactionId = await create('w-down', { intent: 'CONNECT' });
    await complete(transactionId, 'SCA_w_down');
    emulator.state.faults.push({ fault: { kind: 'status', status: 503 }, remaining: 3 });
    const body = sign({ transactionId, smallcaseAuthId: 'SCA_w_down' });
    const res = await request(t.app).post('/webhooks/smallcase').send(body);
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'gateway_unavailable');
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'INITIALIZED');
    assert.equal(await t.store.links.findByUser('w-down'), undefined);
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    assert.equal((await t.store.links.findByUser('w-down'))?.smallcaseAuthId, 'SCA_w_down');
    assert.deepEqual(outcomes, ['failed', 'applied']);
  });

  it('securities orders: the emulator sends the batch, our record follows the Gateway', async () => {
    await linkAs('w-orders', 'SCA_w_orders');
    const transactionId = await create('w-orders', {
      intent: 'TRANSACTION',
      orderConfig: { type: 'SECURITIES', securities: [{ ticker: 'INFY', quantity: 2, type: 'BUY' }] },
    });
    await complete(transactionId, 'SCA_w_orders');
    const { payload, attempts } = lastDelivery();
    assert.deepEqual(attempts, [200]);
    assert.match(String(payload.batchId), /^BATCH_/);
    assert.equal((payload.orders as unknown[]).length, 1);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'COMPLETED');
  });

  it('holdings import: keeps a snapshot that GET /holdings serves, marked stale, while the Gateway is down', async () => {
    const transactionId = await create('w-holdings', { intent: 'HOLDINGS_IMPORT', version: 'v2' });
    await complete(transactionId, 'SCA_w_holdings');
    assert.deepEqual(lastDelivery().attempts, [200]);
    assert.equal(lastDelivery().payload.intent, 'HOLDINGS_IMPORT');
    assert.equal(await authToken('w-holdings'), 'connected', 'a guest import links the user too');
    const snapshot = await t.store.holdings.latestFor('w-holdings');
    assert.equal(snapshot?.smallcaseAuthId, 'SCA_w_holdings');

    const fresh = await request(t.app).get('/holdings').set(as('w-holdings')).expect(200);
    assert.equal(fresh.body.snapshot, undefined);
    await linkAs('w-no-snapshot', 'SCA_w_none');
    emulator.state.faults.push({ fault: { kind: 'status', status: 503 }, remaining: 12 });
    const stale = await request(t.app).get('/holdings').set(as('w-holdings')).expect(200);
    assert.deepEqual(stale.body.snapshot, { stale: true, snapshotAt: snapshot?.snapshotAt.toISOString() });
    assert.ok(Array.isArray(stale.body.securities) && stale.body.securities.length > 0);
    const none = await request(t.app).get('/holdings').set(as('w-no-snapshot'));
    assert.equal(none.status, 503);
    emulator.state.faults.splice(0);
  });

  it('MF holdings import: checksummed over the transactionId (no smallcaseAuthId) and applied', async () => {
    await linkAs('w-mf', 'SCA_w_mf');
    const transactionId = await create('w-mf', { intent: 'MF_HOLDINGS_IMPORT' });
    await complete(transactionId, 'SCA_w_mf');
    const { payload, attempts } = lastDelivery();
    assert.deepEqual(attempts, [200]);
    assert.equal(payload.smallcaseAuthId, undefined);
    assert.equal(payload.transactionId, transactionId);
    assert.deepEqual(outcomes, ['applied']);
    assert.equal((await t.store.holdings.latestFor('w-mf'))?.smallcaseAuthId, 'SCA_w_mf');
  });

  it("MF holdings import the Gateway names no account for: the owner's linked account is refreshed", async () => {
    emulator.webhooks.configure({ url: undefined });
    await linkAs('w-mf-owner', 'SCA_w_mf_owner');
    const transactionId = await create('w-mf-owner', { intent: 'MF_HOLDINGS_IMPORT' });
    const body = sign({ transactionId, intent: 'MF_HOLDINGS_IMPORT', data: { mutualFunds: {} } });
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    const snapshot = await t.store.holdings.latestFor('w-mf-owner');
    assert.equal(snapshot?.smallcaseAuthId, 'SCA_w_mf_owner');
    assert.equal(
      (snapshot?.data as { smallcaseAuthId?: string } | undefined)?.smallcaseAuthId,
      'SCA_w_mf_owner',
    );
  });

  it('an unknown transaction or user is recorded with no effects and no Gateway call', async () => {
    emulator.state.requests.splice(0);
    const body = sign({
      transactionId: 'TRX_unknown',
      smallcaseAuthId: 'SCA_w_unknown',
      intent: 'HOLDINGS_IMPORT',
    });
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    assert.deepEqual(outcomes, ['applied', 'duplicate']);
    assert.equal(emulator.state.requests.length, 0);
  });
});
