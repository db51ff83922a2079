import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';

// One user's bad reads must not cost other users their transactions, and no session may turn
// this service into an amplifier against the Gateway (issue 9, item 4).

const engineCalls = (t: GatewayTestApp) =>
  t.emulator.state.requests.filter((recorded) => recorded.url.includes('/engine/smallcases')).length;

describe("one user's failing reads and the other users' calls", () => {
  let t: GatewayTestApp;
  beforeEach(async () => {
    t = await buildGatewayTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterEach(() => t.close());

  it("five oversized answers to one user's /engine reads leave the breakers closed: others' POST /transactions is 201", async () => {
    const reader = t.as('oversize-reader');
    await t.fault({ kind: 'oversize', bytes: 3 * 1024 * 1024, count: 6 });
    for (let i = 0; i < 6; i += 1) {
      const res = await request(t.app).get('/engine/smallcases').set(reader).expect(502);
      assert.match(res.body.detail, /too large/);
    }
    await request(t.app)
      .post('/transactions')
      .set(t.as('other-user'))
      .send({ intent: 'CONNECT' })
      .expect(201);
    await request(t.app).get('/engine/smallcases?count=1').set(t.as('third-user')).expect(200);
  });

  it('redirects and non-JSON answers are the request’s problem, not the Gateway’s health', async () => {
    const reader = t.as('odd-answers-reader');
    await t.fault({ kind: 'redirect', location: 'http://127.0.0.1:9/elsewhere', count: 3 });
    await t.fault({ kind: 'html', count: 3 });
    for (let i = 0; i < 6; i += 1) await request(t.app).get('/engine/smallcases').set(reader).expect(502);
    await request(t.app).get('/engine/smallcases').set(reader).expect(200);
  });

  it('an engine outage (5xx) opens only the engine breaker: transactions and holdings still reach the Gateway', async () => {
    await t.store.links.link({
      partnerUserId: 'linked-user',
      smallcaseAuthId: 'SCA_isolation',
      broker: 'kite',
      at: new Date(),
    });
    // Each failing read is tried three times (two retries); five failing reads open the breaker.
    await t.fault({ kind: 'status', status: 500, count: 15 });
    const reader = t.as('engine-reader');
    for (let i = 0; i < 5; i += 1) await request(t.app).get('/engine/smallcases').set(reader).expect(502);
    const before = engineCalls(t);
    const refused = await request(t.app).get('/engine/smallcases').set(reader).expect(503);
    assert.equal(refused.body.code, 'gateway_unavailable');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal(engineCalls(t), before, 'the open breaker sends nothing upstream');

    await request(t.app)
      .post('/transactions')
      .set(t.as('other-user'))
      .send({ intent: 'CONNECT' })
      .expect(201);
    await request(t.app).get('/holdings').set(t.as('linked-user')).expect(200);
  });
});

describe('per-user rate limit on the Gateway reads', () => {
  let t: GatewayTestApp;
  beforeEach(async () => {
    t = await buildGatewayTestApp();
  });
  afterEach(() => t.close());

  it('one session firing 150 /engine reads in a burst reaches the Gateway at most RATE_LIMIT_PER_MINUTE (60) times', async () => {
    const session = t.as('greedy-reader');
    const statuses: number[] = [];
    for (let wave = 0; wave < 15; wave += 1) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => request(t.app).get('/engine/smallcases?count=1').set(session)),
      );
      statuses.push(...answers.map((answer) => answer.status));
    }
    assert.equal(statuses.filter((status) => status === 200).length, 60);
    assert.equal(statuses.filter((status) => status === 429).length, 90);
    assert.equal(engineCalls(t), 60);

    const limited = await request(t.app).get('/holdings').set(session).expect(429);
    assert.equal(limited.body.code, 'rate_limited', '/holdings shares the reads budget');
    await request(t.app).get('/engine/smallcases?count=1').set(t.as('patient-reader')).expect(200);
    await request(t.app).post('/auth-token').set(session).expect(200);
  });
});
