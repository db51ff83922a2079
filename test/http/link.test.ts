import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { rememberToken } from '../support/log-capture.js';

describe('POST /link and DELETE /link', () => {
  let t: GatewayTestApp;
  before(async () => {
    t = await buildGatewayTestApp();
  });
  after(() => t.close());
  beforeEach(() => t.emulator.state.requests.splice(0));

  const connect = (userId: string) => t.create(userId, { intent: 'CONNECT' });
  const link = (userId: string, body: object) => request(t.app).post('/link').set(t.as(userId)).send(body);

  it('refuses a transaction that is not COMPLETED with 409 transaction_not_complete', async () => {
    const transactionId = await connect('l-pending');
    const res = await link('l-pending', { transactionId }).expect(409);
    assert.equal(res.body.code, 'transaction_not_complete');
    assert.match(res.body.detail, /INITIALIZED/);
    const failed = await connect('l-pending');
    await t.fail(failed);
    await link('l-pending', { transactionId: failed }).expect(409);
    assert.equal(await t.store.links.findByUser('l-pending'), undefined);
  });

  it("refuses another user's transaction with 404 and no upstream call", async () => {
    const transactionId = await connect('l-owner');
    await t.complete(transactionId, 'SCA_owner');
    t.emulator.state.requests.splice(0);
    const res = await link('l-thief', { transactionId }).expect(404);
    assert.equal(res.body.code, 'not_found');
    assert.equal(t.emulator.state.requests.length, 0);
    assert.equal(await t.store.links.findByUser('l-thief'), undefined);
  });

  it('takes smallcaseAuthId and broker from the Gateway, never from the body', async () => {
    const transactionId = await connect('l-body');
    await t.complete(transactionId, 'SCA_real', 'upstox');
    const res = await link('l-body', { transactionId, smallcaseAuthId: 'SCA_forged', broker: 'evil' }).expect(
      200,
    );
    rememberToken(res.body.smallcaseAuthToken);
    assert.equal(res.body.broker, 'upstox');
    const row = await t.store.links.findByUser('l-body');
    assert.equal(row?.smallcaseAuthId, 'SCA_real');
    const record = await t.store.transactions.findById(transactionId);
    assert.equal(record?.status, 'COMPLETED');
    await link('l-body', {}).expect(400);
  });

  it('refuses a smallcase account linked to another user with 409 smallcase_account_in_use', async () => {
    const first = await connect('l-first');
    await t.complete(first, 'SCA_shared');
    rememberToken((await link('l-first', { transactionId: first }).expect(200)).body.smallcaseAuthToken);
    const second = await connect('l-second');
    await t.complete(second, 'SCA_shared');
    const res = await link('l-second', { transactionId: second }).expect(409);
    assert.equal(res.body.code, 'smallcase_account_in_use');
    assert.equal(await t.store.links.findByUser('l-second'), undefined);
  });

  it('refuses a second, different account for a linked user with 409 already_linked', async () => {
    const one = await connect('l-two');
    const two = await connect('l-two');
    await t.complete(one, 'SCA_one');
    await t.complete(two, 'SCA_two');
    rememberToken((await link('l-two', { transactionId: one }).expect(200)).body.smallcaseAuthToken);
    const res = await link('l-two', { transactionId: two }).expect(409);
    assert.equal(res.body.code, 'already_linked');
    const again = await link('l-two', { transactionId: one }).expect(200);
    rememberToken(again.body.smallcaseAuthToken);
    assert.equal((await t.store.links.findByUser('l-two'))?.smallcaseAuthId, 'SCA_one');
  });

  it('is safe under concurrent calls: one row, and one winner for a contested account', async () => {
    const transactionId = await connect('l-race');
    await t.complete(transactionId, 'SCA_race');
    const same = await Promise.all(Array.from({ length: 6 }, () => link('l-race', { transactionId })));
    for (const res of same) {
      assert.equal(res.status, 200);
      rememberToken(res.body.smallcaseAuthToken);
    }
    assert.equal((await t.store.links.findByAccount('SCA_race'))?.partnerUserId, 'l-race');

    const a = await connect('l-race-a');
    const b = await connect('l-race-b');
    await t.complete(a, 'SCA_contested');
    await t.complete(b, 'SCA_contested');
    const results = await Promise.all([
      link('l-race-a', { transactionId: a }),
      link('l-race-b', { transactionId: b }),
    ]);
    for (const res of results) if (res.status === 200) rememberToken(res.body.smallcaseAuthToken);
    assert.deepEqual(results.map((res) => res.status).sort(), [200, 409]);
    const owner = (await t.store.links.findByAccount('SCA_contested'))?.partnerUserId;
    assert.ok(owner === 'l-race-a' || owner === 'l-race-b');
  });

  it('DELETE /link answers 204, forgets the link, and a later /link can re-link', async () => {
    const transactionId = await connect('l-unlink');
    await t.complete(transactionId, 'SCA_unlink');
    rememberToken((await link('l-unlink', { transactionId }).expect(200)).body.smallcaseAuthToken);
    await request(t.app).delete('/link').set(t.as('l-unlink')).expect(204);
    assert.equal(await t.store.links.findByUser('l-unlink'), undefined);
    await request(t.app).delete('/link').set(t.as('l-unlink')).expect(204);
    await request(t.app).delete('/link').expect(401);
  });
});
