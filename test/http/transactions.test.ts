import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { verifyGatewayToken } from '../../src/emulator/emulator-auth.js';
import { CANARY } from '../support/canaries.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { bearer } from '../support/test-app.js';

describe('POST /transactions and GET /transactions/:id', () => {
  let t: GatewayTestApp;
  before(async () => {
    t = await buildGatewayTestApp({ env: { GATEWAY_TIMEOUT_MS: '3000' } });
  });
  after(() => t.close());
  beforeEach(() => t.emulator.state.reset());

  const linkDirectly = (userId: string, smallcaseAuthId: string) =>
    t.store.links.link({ partnerUserId: userId, smallcaseAuthId, broker: 'kite', at: new Date() });
  const upstreamToken = () => {
    const header = t.emulator.state.requests.at(-1)?.headers['x-gateway-authtoken'];
    return verifyGatewayToken(header, CANARY.gatewaySecret);
  };

  it('refuses an unknown intent and names the field', async () => {
    const res = await request(t.app)
      .post('/transactions')
      .set(t.as('u-intent'))
      .send({ intent: 'LAUNCH' })
      .expect(400);
    assert.equal(res.body.code, 'invalid_request');
    assert.match(res.body.detail, /^body\.intent: must be one of CONNECT/);
    assert.equal(t.emulator.state.requests.length, 0);
  });

  it('refuses a malformed orderConfig and names the offending field', async () => {
    const mixed = {
      intent: 'TRANSACTION',
      orderConfig: { type: 'SECURITIES', securities: [{ ticker: 'INFY', quantity: 2 }, { ticker: 'TCS' }] },
    };
    const res = await request(t.app).post('/transactions').set(t.as('u-config')).send(mixed).expect(400);
    assert.match(res.body.detail, /^body\.orderConfig\.securities\.1\.quantity:/);
    const badTicker = {
      intent: 'TRANSACTION',
      orderConfig: { type: 'SECURITIES', securities: [{ ticker: 'in fy' }] },
    };
    const second = await request(t.app)
      .post('/transactions')
      .set(t.as('u-config'))
      .send(badTicker)
      .expect(400);
    assert.match(second.body.detail, /^body\.orderConfig\.securities\.0\.ticker:/);
    const extra = await request(t.app)
      .post('/transactions')
      .set(t.as('u-config'))
      .send({ intent: 'CONNECT', orderConfig: {} })
      .expect(400);
    assert.match(extra.body.detail, /orderConfig/);
    assert.equal(t.emulator.state.requests.length, 0);
  });

  it('refuses a connected-only intent for a guest with 409 broker_not_linked and no upstream call', async () => {
    const res = await request(t.app)
      .post('/transactions')
      .set(t.as('u-guest'))
      .send({ intent: 'FETCH_FUNDS' })
      .expect(409);
    assert.equal(res.body.code, 'broker_not_linked');
    const rebalance = {
      intent: 'TRANSACTION',
      orderConfig: { type: 'REBALANCE', scid: 'SCMO_0002', iscid: 'ISC_1' },
    };
    await request(t.app).post('/transactions').set(t.as('u-guest')).send(rebalance).expect(409);
    assert.equal(t.emulator.state.requests.length, 0);
  });

  it('refuses CONNECT for a linked user with 409 already_linked', async () => {
    await linkDirectly('u-linked', 'SCA_linked');
    const res = await request(t.app)
      .post('/transactions')
      .set(t.as('u-linked'))
      .send({ intent: 'CONNECT' })
      .expect(409);
    assert.equal(res.body.code, 'already_linked');
    assert.equal(t.emulator.state.requests.length, 0);
  });

  it('uses the connected token for a linked user and the guest token otherwise', async () => {
    const order = {
      intent: 'TRANSACTION',
      orderConfig: { type: 'SECURITIES', securities: [{ ticker: 'INFY' }] },
    };
    await request(t.app).post('/transactions').set(t.as('u-either')).send(order).expect(201);
    assert.deepEqual(upstreamToken(), { kind: 'guest' });
    await linkDirectly('u-either-linked', 'SCA_either');
    await request(t.app).post('/transactions').set(t.as('u-either-linked')).send(order).expect(201);
    assert.deepEqual(upstreamToken(), { kind: 'connected', smallcaseAuthId: 'SCA_either' });
    await request(t.app)
      .post('/transactions')
      .set(t.as('u-either-linked'))
      .send({ intent: 'FETCH_FUNDS' })
      .expect(201);
    assert.deepEqual(upstreamToken(), { kind: 'connected', smallcaseAuthId: 'SCA_either' });
    const upstreamBody = await request(t.app)
      .post('/transactions')
      .set(t.as('u-either'))
      .send({ intent: 'HOLDINGS_IMPORT', version: 'v2', assetConfig: { mfHoldings: true } })
      .expect(201);
    assert.equal(upstreamBody.body.intent, 'HOLDINGS_IMPORT');
  });

  it('records the owner: only the creator can read it, others get 404 with no upstream call', async () => {
    const created = await request(t.app)
      .post('/transactions')
      .set(t.as('owner'))
      .send({ intent: 'CONNECT' })
      .expect(201);
    const record = await t.store.transactions.findById(created.body.transactionId);
    assert.equal(record?.partnerUserId, 'owner');
    t.emulator.state.requests.length = 0;
    const stranger = await request(t.app)
      .get(`/transactions/${created.body.transactionId}`)
      .set(t.as('stranger'))
      .expect(404);
    assert.equal(stranger.body.code, 'not_found');
    await request(t.app)
      .get(`/transactions/TRX_${'f'.repeat(32)}`)
      .set(t.as('owner'))
      .expect(404);
    await request(t.app).get('/transactions/bad%20id').set(t.as('owner')).expect(400);
    assert.equal(t.emulator.state.requests.length, 0);
    const own = await request(t.app)
      .get(`/transactions/${created.body.transactionId}`)
      .set(t.as('owner'))
      .expect(200);
    assert.equal(own.body.status, 'INITIALIZED');
    assert.equal(own.body.intent, 'CONNECT');
  });

  it('rate-limits /transactions per partner user like /auth-token', async () => {
    const limited = await buildGatewayTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const auth = bearer(limited.session('busy-user'));
      await request(limited.app).post('/transactions').set(auth).send({ intent: 'CONNECT' }).expect(201);
      await request(limited.app).post('/transactions').set(auth).send({ intent: 'CONNECT' }).expect(201);
      const third = await request(limited.app)
        .post('/transactions')
        .set(auth)
        .send({ intent: 'CONNECT' })
        .expect(429);
      assert.ok(Number(third.headers['retry-after']) > 0);
    } finally {
      await limited.close();
    }
  });

  it('refuses requests without a partner session', async () => {
    await request(t.app).post('/transactions').send({ intent: 'CONNECT' }).expect(401);
    await request(t.app)
      .get(`/transactions/TRX_${'0'.repeat(32)}`)
      .expect(401);
    assert.equal(t.emulator.state.requests.length, 0);
  });
});
