import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import request from 'supertest';
import type { GatewayTestApp } from '../support/gateway-test-app.js';
import { rememberToken } from '../support/log-capture.js';
import { servedGatewayTestApp, sign } from './webhook-fixtures.js';

describe('POST /webhooks/smallcase: effects read from the Gateway', () => {
  const served = servedGatewayTestApp();
  const { outcomes } = served;
  let t: GatewayTestApp;
  before(() => {
    t = served.app;
  });

  const lastDelivery = () => t.emulator.webhooks.deliveries.at(-1) ?? assert.fail('no webhook was sent');
  const authToken = async (userId: string) => {
    const res = await request(t.app).post('/auth-token').set(t.as(userId)).expect(200);
    rememberToken(res.body.smallcaseAuthToken);
    return res.body.userType as string;
  };
  const linkAs = (partnerUserId: string, smallcaseAuthId: string) =>
    t.store.links.link({ partnerUserId, smallcaseAuthId, broker: 'kite', at: new Date() });

  it('end to end: a guest CONNECT completed in the emulator links the user through the webhook alone', async () => {
    const transactionId = await t.create('w-e2e', { intent: 'CONNECT' });
    assert.equal(await authToken('w-e2e'), 'guest');
    await t.complete(transactionId, 'SCA_w_e2e', 'upstox');
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
    t.emulator.webhooks.configure({ url: undefined });
    const transactionId = await t.create('w-claim', { intent: 'CONNECT' });
    const claim = sign({
      transactionId,
      smallcaseAuthId: 'SCA_w_claim',
      status: 'COMPLETED',
      broker: 'evil',
    });
    await request(t.app).post('/webhooks/smallcase').send(claim).expect(200);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'INITIALIZED');
    assert.equal(await t.store.links.findByUser('w-claim'), undefined);
    await t.fail(transactionId);
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
    t.emulator.webhooks.configure({ url: undefined });
    const transactionId = await t.create('w-race', { intent: 'CONNECT' });
    await t.complete(transactionId, 'SCA_w_race');
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
    t.emulator.state.requests.splice(0);
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'USED');
    assert.equal(await t.store.links.findByUser('w-race'), undefined);
    assert.equal(t.emulator.state.requests.length, 0, 'a duplicate fetches nothing');
  });

  it('keeps the uniqueness rules of POST /link: an account linked to someone else is not linked again', async () => {
    await linkAs('w-owner', 'SCA_w_shared');
    const transactionId = await t.create('w-second', { intent: 'CONNECT' });
    await t.complete(transactionId, 'SCA_w_shared');
    assert.deepEqual(lastDelivery().attempts, [200]);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'COMPLETED');
    assert.equal(await t.store.links.findByUser('w-second'), undefined);
    assert.equal((await t.store.links.findByAccount('SCA_w_shared'))?.partnerUserId, 'w-owner');
  });

  it('when the Gateway is down answers 503 and stores nothing; the redelivery applies', async () => {
    t.emulator.webhooks.configure({ url: undefined });
    const transactionId = await t.create('w-down', { intent: 'CONNECT' });
    await t.complete(transactionId, 'SCA_w_down');
    t.emulator.state.faults.push({ fault: { kind: 'status', status: 503 }, remaining: 3 });
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
    const transactionId = await t.create('w-orders', {
      intent: 'TRANSACTION',
      orderConfig: { type: 'SECURITIES', securities: [{ ticker: 'INFY', quantity: 2, type: 'BUY' }] },
    });
    await t.complete(transactionId, 'SCA_w_orders');
    const { payload, attempts } = lastDelivery();
    assert.deepEqual(attempts, [200]);
    assert.match(String(payload.batchId), /^BATCH_/);
    assert.equal((payload.orders as unknown[]).length, 1);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'COMPLETED');
  });

  it('holdings import: keeps a snapshot that GET /holdings serves, marked stale, while the Gateway is down', async () => {
    const transactionId = await t.create('w-holdings', { intent: 'HOLDINGS_IMPORT', version: 'v2' });
    await t.complete(transactionId, 'SCA_w_holdings');
    assert.deepEqual(lastDelivery().attempts, [200]);
    assert.equal(lastDelivery().payload.intent, 'HOLDINGS_IMPORT');
    assert.equal(await authToken('w-holdings'), 'connected', 'a guest import links the user too');
    const snapshot = await t.store.holdings.latestFor('w-holdings');
    assert.equal(snapshot?.smallcaseAuthId, 'SCA_w_holdings');

    const fresh = await request(t.app).get('/holdings').set(t.as('w-holdings')).expect(200);
    assert.equal(fresh.body.snapshot, undefined);
    await linkAs('w-no-snapshot', 'SCA_w_none');
    t.emulator.state.faults.push({ fault: { kind: 'status', status: 503 }, remaining: 12 });
    const stale = await request(t.app).get('/holdings').set(t.as('w-holdings')).expect(200);
    assert.deepEqual(stale.body.snapshot, { stale: true, snapshotAt: snapshot?.snapshotAt.toISOString() });
    assert.ok(Array.isArray(stale.body.securities) && stale.body.securities.length > 0);
    const none = await request(t.app).get('/holdings').set(t.as('w-no-snapshot'));
    assert.equal(none.status, 503);
    t.emulator.state.faults.splice(0);
  });

  it('MF holdings import: checksummed over the transactionId (no smallcaseAuthId) and applied', async () => {
    await linkAs('w-mf', 'SCA_w_mf');
    const transactionId = await t.create('w-mf', { intent: 'MF_HOLDINGS_IMPORT' });
    await t.complete(transactionId, 'SCA_w_mf');
    const { payload, attempts } = lastDelivery();
    assert.deepEqual(attempts, [200]);
    assert.equal(payload.smallcaseAuthId, undefined);
    assert.equal(payload.transactionId, transactionId);
    assert.deepEqual(outcomes, ['applied']);
    assert.equal((await t.store.holdings.latestFor('w-mf'))?.smallcaseAuthId, 'SCA_w_mf');
  });

  it("MF holdings import the Gateway names no account for: the owner's linked account is refreshed", async () => {
    t.emulator.webhooks.configure({ url: undefined });
    await linkAs('w-mf-owner', 'SCA_w_mf_owner');
    const transactionId = await t.create('w-mf-owner', { intent: 'MF_HOLDINGS_IMPORT' });
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
    t.emulator.state.requests.splice(0);
    const body = sign({
      transactionId: 'TRX_unknown',
      smallcaseAuthId: 'SCA_w_unknown',
      intent: 'HOLDINGS_IMPORT',
    });
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    assert.deepEqual(outcomes, ['applied', 'duplicate']);
    assert.equal(t.emulator.state.requests.length, 0);
  });
});
