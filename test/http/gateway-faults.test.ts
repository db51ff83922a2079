import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { startGatewayEmulator } from '../../src/emulator/gateway-emulator.js';
import { CANARY } from '../support/canaries.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { bearer, buildTestApp } from '../support/test-app.js';

// Long enough that 10 % (the slack for supertest's listen and the JWT work) is 200 ms on a loaded machine.
const TIMEOUT_MS = 2000;
const ALLOWED_UPSTREAM_HEADERS = new Set([
  'x-gateway-secret',
  'x-gateway-authtoken',
  'accept',
  'content-type',
  'user-agent',
  'x-request-id',
  'host',
  'connection',
  'content-length',
]);

describe('when the Gateway misbehaves', () => {
  // A fresh app (and so a fresh circuit breaker) per scenario, so failures do not add up.
  let t: GatewayTestApp;
  beforeEach(async () => {
    t = await buildGatewayTestApp({ env: { GATEWAY_TIMEOUT_MS: String(TIMEOUT_MS) } });
    await t.store.links.link({
      partnerUserId: 'f-linked',
      smallcaseAuthId: 'SCA_f',
      broker: 'kite',
      at: new Date(),
    });
  });
  afterEach(() => t.close());
  const auth = () => bearer(t.session('f-linked'));

  it('hangs: responds 504 gateway_timeout within the deadline + 10 %', async () => {
    await t.fault({ kind: 'hang', count: 3 });
    const started = performance.now();
    const res = await request(t.app).get('/holdings').set(auth()).expect(504);
    const elapsed = performance.now() - started;
    assert.equal(res.body.code, 'gateway_timeout');
    assert.ok(elapsed >= TIMEOUT_MS * 0.95 && elapsed <= TIMEOUT_MS * 1.1, `answered after ${elapsed} ms`);
  });

  it('answers 5xx: a GET is retried twice, transaction creation is never retried', async () => {
    await t.fault({ kind: 'status', status: 500, count: 3 });
    const get = await request(t.app).get('/engine/smallcases').set(auth()).expect(502);
    assert.equal(get.body.code, 'gateway_error');
    assert.equal(t.emulator.state.requests.length, 3);
    t.emulator.state.requests.splice(0);
    await t.fault({ kind: 'status', status: 500, count: 3 });
    const guest = bearer(t.session('f-guest'));
    await request(t.app).post('/transactions').set(guest).send({ intent: 'CONNECT' }).expect(502);
    assert.equal(t.emulator.state.requests.length, 1);
  });

  it('keeps failing: the circuit opens and calls fail fast with 503 and no upstream request', async () => {
    await t.fault({ kind: 'status', status: 500, count: 100 });
    const guest = bearer(t.session('f-breaker'));
    for (let i = 0; i < 5; i += 1) {
      await request(t.app).post('/transactions').set(guest).send({ intent: 'CONNECT' }).expect(502);
    }
    const before = t.emulator.state.requests.length;
    const res = await request(t.app).post('/transactions').set(guest).send({ intent: 'CONNECT' }).expect(503);
    assert.equal(res.body.code, 'gateway_unavailable');
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.equal(t.emulator.state.requests.length, before);
  });

  it('answers 503: gateway_unavailable with Retry-After', async () => {
    await t.fault({ kind: 'status', status: 503, count: 3 });
    const res = await request(t.app).get('/holdings').set(auth()).expect(503);
    assert.equal(res.body.code, 'gateway_unavailable');
    assert.ok(Number(res.headers['retry-after']) >= 1);
  });

  it('redirects to another host: not followed, 502, the other host receives nothing', async () => {
    let hits = 0;
    const other = createServer((_req, res) => {
      hits += 1;
      res.end('{"success":true,"errors":null,"data":{}}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = other.address() as AddressInfo;
      await t.fault({ kind: 'redirect', location: `http://127.0.0.1:${port}/collect`, count: 3 });
      const res = await request(t.app).get('/holdings').set(auth()).expect(502);
      assert.match(res.body.detail, /redirect/);
      assert.equal(hits, 0);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('returns HTML or a body over the size cap: 502 gateway_error', async () => {
    await t.fault({ kind: 'html' });
    const html = await request(t.app).get('/holdings').set(auth()).expect(502);
    assert.equal(html.body.code, 'gateway_error');
    await t.fault({ kind: 'oversize', bytes: 3 * 1024 * 1024 });
    const huge = await request(t.app).get('/holdings').set(auth()).expect(502);
    assert.match(huge.body.detail, /too large/);
  });

  it('sends upstream only the allowed headers, whatever the client sent', async () => {
    const hostile = {
      ...auth(),
      Cookie: 'session=abc; other=def',
      'X-Forwarded-For': '203.0.113.9',
      'X-Real-IP': '203.0.113.9',
      Forwarded: 'for=203.0.113.9',
      'User-Agent': 'client-agent/1.0',
      'Accept-Language': 'en-IN',
      'X-Gateway-Secret': 'attacker-secret',
      'X-Gateway-Authtoken': 'attacker-token',
      'X-Sc-Gateway': 'other',
      Origin: 'https://evil.example',
      'X-Request-Id': 'client-request-42',
    };
    await request(t.app)
      .post('/transactions')
      .set({ ...hostile, Authorization: bearer(t.session('f-guest2')).Authorization })
      .send({ intent: 'CONNECT' })
      .expect(201);
    await request(t.app).get('/holdings').set(hostile).expect(200);
    await request(t.app).get('/engine/smallcases?count=1').set(hostile).expect(200);
    assert.equal(t.emulator.state.requests.length, 3);
    for (const recorded of t.emulator.state.requests) {
      for (const name of Object.keys(recorded.headers)) {
        assert.ok(ALLOWED_UPSTREAM_HEADERS.has(name), `${name} went upstream on ${recorded.url}`);
      }
      assert.equal(recorded.headers['x-gateway-secret'], CANARY.gatewayApiSecret);
      assert.notEqual(recorded.headers['x-gateway-authtoken'], 'attacker-token');
      assert.equal(recorded.headers['user-agent'], 'gateway-token-service/0.1');
      assert.equal(recorded.headers['x-request-id'], 'client-request-42');
      assert.equal(recorded.headers.accept, 'application/json');
    }
    assert.equal(t.emulator.state.requests[0]?.headers['content-type'], 'application/json');
    assert.equal(t.emulator.state.requests[1]?.headers['content-type'], undefined);
  });
});

describe('when the Gateway cannot be reached or rejects our credentials', () => {
  it('refuses connections: a fast 503 gateway_unavailable with Retry-After', async () => {
    const unreachable = buildTestApp({
      env: { GATEWAY_API_URL: 'http://127.0.0.1:9', GATEWAY_TIMEOUT_MS: '10000' },
    });
    try {
      const started = performance.now();
      const res = await request(unreachable.app)
        .post('/transactions')
        .set(bearer(unreachable.session('u-down')))
        .send({ intent: 'CONNECT' })
        .expect(503);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 5000, `answered after ${elapsed} ms, not failing fast before the 10 s deadline`);
      assert.equal(res.body.code, 'gateway_unavailable');
      assert.ok(Number(res.headers['retry-after']) >= 1);
    } finally {
      await unreachable.close();
    }
  });

  it('a token signed with a secret the Gateway does not accept is a 502 naming the upstream error, never a secret', async () => {
    const emulator = await startGatewayEmulator({
      gatewayName: 'gatewaytest',
      gatewaySecret: 'emulator-jwt-secret-that-differs-from-ours',
      apiSecret: CANARY.gatewayApiSecret,
    });
    const app = buildTestApp({ env: { GATEWAY_API_URL: emulator.url } });
    try {
      const res = await request(app.app)
        .post('/transactions')
        .set(bearer(app.session('u-jwt')))
        .send({ intent: 'CONNECT' });
      assert.equal(res.status, 502);
      assert.match(res.body.detail, /Invalid JWT/);
      for (const secret of Object.values(CANARY)) assert.ok(!JSON.stringify(res.body).includes(secret));
    } finally {
      await app.close();
      await emulator.close();
    }
  });
});
