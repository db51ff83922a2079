import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';

describe('POST /transactions: the intents and order types the Gateway knows, and its expireAt in any form', () => {
  let t: GatewayTestApp;
  before(async () => {
    t = await buildGatewayTestApp({ env: { GATEWAY_INTENTS: 'CONNECT,TRANSACTION,HOLDINGS_IMPORT' } });
    await t.store.links.link({
      partnerUserId: 'i-linked',
      smallcaseAuthId: 'SCA_i',
      broker: 'kite',
      at: new Date(),
    });
  });
  after(() => t.close());
  beforeEach(async () => {
    t.emulator.state.requests.splice(0);
    await fetch(`${t.emulator.url}/__emulator/shape`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expireAt: 'iso' }),
    });
  });

  const post = (userId: string, body: object) =>
    request(t.app).post('/transactions').set(t.as(userId)).send(body);
  const smallcaseOrder = (type: string) => ({
    intent: 'TRANSACTION',
    orderConfig: { type, scid: 'SCMO_0002' },
  });

  it('refuses REPAIR, which the Gateway does not know, and accepts FIX for the same thing', async () => {
    const repair = await post('i-linked', smallcaseOrder('REPAIR'));
    assert.equal(repair.status, 400);
    assert.match(repair.body.detail, /^body\.orderConfig\.type:/);
    assert.equal(t.emulator.state.requests.length, 0);
    await post('i-linked', smallcaseOrder('FIX')).expect(201);
  });

  it('refuses an intent GATEWAY_INTENTS leaves out with 400 naming the enabled ones, before any upstream call', async () => {
    const res = await post('i-linked', { intent: 'FETCH_FUNDS' });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'invalid_request');
    assert.match(
      res.body.detail,
      /^intent: FETCH_FUNDS is not enabled here; one of CONNECT, TRANSACTION, HOLDINGS_IMPORT$/,
    );
    assert.equal(t.emulator.state.requests.length, 0);
    await post('i-guest', { intent: 'HOLDINGS_IMPORT' }).expect(201);
  });

  it("keeps the Gateway's expireAt in any date form, and falls back to 5 minutes for one it cannot read", async () => {
    for (const form of ['epoch_s', 'mongo_date', 'unreadable']) {
      await fetch(`${t.emulator.url}/__emulator/shape`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ expireAt: form }),
      });
      const startedAt = Date.now();
      const res = await post(`i-expiry-${form}`, { intent: 'CONNECT' }).expect(201);
      const upstream = t.emulator.state.transactions.get(res.body.transactionId);
      const expected = form === 'unreadable' ? undefined : new Date(upstream?.expireAt ?? 0).toISOString();
      if (expected) {
        // epoch seconds drop the milliseconds.
        assert.equal(
          Math.floor(Date.parse(res.body.expireAt) / 1000),
          Math.floor(Date.parse(expected) / 1000),
        );
      } else {
        const lifetimeMs = Date.parse(res.body.expireAt) - startedAt;
        assert.ok(
          lifetimeMs >= 5 * 60_000 - 1000 && lifetimeMs <= 5 * 60_000 + 5000,
          `fallback: ${lifetimeMs} ms`,
        );
      }
      const record = await t.store.transactions.findById(res.body.transactionId);
      assert.equal(record?.expireAt?.toISOString(), res.body.expireAt);
    }
  });
});
