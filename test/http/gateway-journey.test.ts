import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { verifyGatewayToken } from '../../src/emulator/emulator-auth.js';
import { CANARY } from '../support/canaries.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer } from '../support/test-app.js';

// Each details shape of GATEWAY.md 3.3a, each with another form of the Gateway's dates.
const SHAPES = [
  { details: 'flat', expireAt: 'iso' },
  { details: 'authid_meta', expireAt: 'mongo_date' },
  { details: 'success_token', expireAt: 'epoch_ms' },
] as const;

for (const shape of SHAPES) {
  describe(`the whole user journey against the emulator, transaction details ${shape.details}`, () => {
    let t: GatewayTestApp;
    before(async () => {
      t = await buildGatewayTestApp();
      const set = await fetch(`${t.emulator.url}/__emulator/shape`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(shape),
      });
      assert.equal(set.status, 200);
    });
    after(() => t.close());

    it('guest token -> CONNECT -> completed -> /link -> connected token -> holdings -> unlink -> guest', () =>
      journey(t));
  });
}

async function journey(t: GatewayTestApp): Promise<void> {
  const auth = bearer(t.session('journey-user'));
  const guest = await request(t.app).post('/auth-token').set(auth).expect(200);
  rememberToken(guest.body.smallcaseAuthToken);
  assert.equal(guest.body.userType, 'guest');

  const created = await request(t.app)
    .post('/transactions')
    .set(auth)
    .send({ intent: 'CONNECT' })
    .expect(201);
  assert.match(created.body.transactionId, /^TRX_[0-9a-f]{32}$/);
  assert.equal(created.body.intent, 'CONNECT');
  const lifetimeMs = Date.parse(created.body.expireAt) - Date.now();
  assert.ok(
    lifetimeMs > 4 * 60_000 && lifetimeMs <= 5 * 60_000,
    `the Gateway's expireAt: ${created.body.expireAt}`,
  );
  const { transactionId } = created.body;

  const pending = await request(t.app).get(`/transactions/${transactionId}`).set(auth).expect(200);
  assert.equal(pending.body.status, 'INITIALIZED');

  await t.complete(transactionId, 'SCA_journey', 'zerodha');
  const done = await request(t.app).get(`/transactions/${transactionId}`).set(auth).expect(200);
  assert.equal(done.body.status, 'COMPLETED');
  assert.equal(done.body.broker, 'zerodha');

  const linked = await request(t.app).post('/link').set(auth).send({ transactionId }).expect(200);
  rememberToken(linked.body.smallcaseAuthToken);
  assert.equal(linked.body.userType, 'connected');
  assert.equal(linked.body.broker, 'zerodha');
  assert.equal(linked.body.gatewayName, 'gatewaytest');
  assert.equal(linked.headers['cache-control'], 'no-store');
  assert.deepEqual(verifyGatewayToken(linked.body.smallcaseAuthToken, CANARY.gatewaySecret), {
    kind: 'connected',
    smallcaseAuthId: 'SCA_journey',
  });
  const row = await t.store.links.findByUser('journey-user');
  assert.equal(row?.smallcaseAuthId, 'SCA_journey');
  assert.equal(row?.broker, 'zerodha');

  const connected = await request(t.app).get('/auth-token').set(auth).expect(200);
  rememberToken(connected.body.smallcaseAuthToken);
  assert.equal(connected.body.userType, 'connected');

  const holdings = await request(t.app).get('/holdings').set(auth).expect(200);
  assert.equal(holdings.body.smallcaseAuthId, 'SCA_journey');
  assert.equal(holdings.body.broker, 'zerodha');
  assert.ok(holdings.body.securities.length > 0);
  const upstreamHoldings = t.emulator.state.requests.at(-1);
  assert.equal(upstreamHoldings?.url, '/v1/gatewaytest/engine/user/holdings?version=v2');

  const investments = await request(t.app).get('/engine/user/investments').set(auth).expect(200);
  assert.ok(Array.isArray(investments.body));

  await request(t.app).delete('/link').set(auth).expect(204);
  const again = await request(t.app).post('/auth-token').set(auth).expect(200);
  rememberToken(again.body.smallcaseAuthToken);
  assert.equal(again.body.userType, 'guest');
  const refused = await request(t.app).get('/holdings').set(auth).expect(409);
  assert.equal(refused.body.code, 'broker_not_linked');
}
