import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { capturedLogLines, rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

const ALLOWED = 'https://partner.example';

describe('CORS from the exact CORS_ORIGINS list only', () => {
  const testApp = buildTestApp({ env: { CORS_ORIGINS: `${ALLOWED},http://localhost:3000` } });
  after(() => testApp.close());
  const session = testApp.session('cors-user');
  rememberToken(session);

  const authToken = (origin: string) =>
    request(testApp.app).post('/auth-token').set(bearer(session)).set('Origin', origin);
  const preflight = (origin: string) =>
    request(testApp.app)
      .options('/auth-token')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');

  it('allows an allowed origin, echoing it exactly with credentials', async () => {
    const response = await authToken(ALLOWED).expect(200);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(response.headers['access-control-allow-origin'], ALLOWED);
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    assert.match(response.headers.vary ?? '', /Origin/i);
  });

  it('answers the preflight of an allowed origin', async () => {
    const response = await preflight(ALLOWED);
    assert.ok(response.status === 204 || response.status === 200);
    assert.equal(response.headers['access-control-allow-origin'], ALLOWED);
    assert.match(response.headers['access-control-allow-methods'] ?? '', /POST/);
    assert.match(response.headers['access-control-allow-headers'] ?? '', /Authorization/i);
  });

  for (const origin of [
    'https://evil.example',
    'https://partner.example.evil.io',
    'https://evilpartner.example',
    'http://partner.example',
    'https://partner.example:8443',
    'HTTPS://PARTNER.EXAMPLE',
    'null',
    '*',
  ]) {
    it(`gives no CORS headers to ${origin}, on requests and on preflight`, async () => {
      const response = await authToken(origin);
      if (response.body.smallcaseAuthToken) rememberToken(response.body.smallcaseAuthToken);
      assert.equal(response.headers['access-control-allow-origin'], undefined);
      assert.equal(response.headers['access-control-allow-credentials'], undefined);
      const pre = await preflight(origin);
      assert.equal(pre.headers['access-control-allow-origin'], undefined);
      assert.equal(pre.headers['access-control-allow-credentials'], undefined);
      assert.equal(pre.headers['access-control-allow-headers'], undefined);
    });
  }

  it('never answers with a wildcard origin', async () => {
    const response = await request(testApp.app).get('/healthz').set('Origin', ALLOWED);
    assert.notEqual(response.headers['access-control-allow-origin'], '*');
  });
});

describe('CORS with no CORS_ORIGINS configured', () => {
  const testApp = buildTestApp();
  after(() => testApp.close());

  it('gives no CORS headers to any origin', async () => {
    const response = await request(testApp.app).get('/healthz').set('Origin', ALLOWED).expect(200);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});

describe('CORS that explains itself', () => {
  const testApp = buildTestApp({ env: { CORS_ORIGINS: ALLOWED, RATE_LIMIT_PER_MINUTE: '2' } });
  after(() => testApp.close());
  const preflight = (origin: string, path = '/auth-token') =>
    request(testApp.app)
      .options(path)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');

  it('answers a preflight from an origin not in CORS_ORIGINS with a bare 204, before session and rate limit', async () => {
    for (const path of ['/auth-token', '/transactions', '/link', '/holdings', '/engine/smallcases']) {
      const response = await preflight('https://evil.example', path);
      assert.equal(response.status, 204, `${path}: ${response.text}`);
      assert.equal(response.text, '');
      for (const name of Object.keys(response.headers)) {
        assert.ok(!name.startsWith('access-control-'), `${path}: no ${name}`);
        assert.ok(!name.startsWith('ratelimit'), `${path}: the rate limiter did not run (${name})`);
      }
      assert.ok(response.headers['x-request-id'], 'still carries a request id');
    }
    // Five refused preflights spent nothing of the per-IP budget of 2.
    const session = testApp.session('cors-budget');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await request(testApp.app).post('/auth-token').set(bearer(session)).expect(200);
      rememberToken(response.body.smallcaseAuthToken);
    }
  });

  it('logs the refused origin at info with the request id', async () => {
    const response = await preflight('https://not-listed.example');
    const line = capturedLogLines().find(
      (candidate) =>
        candidate.includes(`"reqId":"${response.headers['x-request-id']}"`) &&
        candidate.includes('CORS preflight refused'),
    );
    assert.ok(line, 'a refusal line for the preflight');
    const entry = JSON.parse(line);
    assert.equal(entry.level, 'info');
    assert.equal(entry.origin, 'https://not-listed.example');
    assert.equal(entry.path, '/auth-token');
  });

  it('still lets OPTIONS without a preflight through to the routes', async () => {
    const response = await request(testApp.app).options('/auth-token').set('Origin', 'https://evil.example');
    assert.notEqual(response.status, 204);
  });
});

describe('CORS exposes the headers a frontend reads', () => {
  let t: GatewayTestApp;
  before(async () => {
    t = await buildGatewayTestApp({ env: { CORS_ORIGINS: ALLOWED, RATE_LIMIT_PER_MINUTE: '2' } });
  });
  after(() => t.close());

  const exposed = (response: request.Response) =>
    String(response.headers['access-control-expose-headers'] ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase());

  it('exposes x-request-id and the RateLimit headers that the rate limiter really sends', async () => {
    const response = await request(t.app).post('/auth-token').set(t.as('cors-expose')).set('Origin', ALLOWED);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(response.status, 200);
    const names = exposed(response);
    const sent = Object.keys(response.headers).filter((name) => name.startsWith('ratelimit'));
    assert.ok(sent.length > 0, 'the rate limiter sends RateLimit headers');
    for (const name of ['x-request-id', ...sent]) assert.ok(names.includes(name), `${name} is exposed`);
  });

  it('exposes Retry-After on a 429 and Idempotent-Replayed on a replay', async () => {
    const send = () =>
      request(t.app)
        .post('/transactions')
        .set(t.as('cors-replay'))
        .set('Origin', ALLOWED)
        .set('Idempotency-Key', 'cors-replay-1')
        .send({ intent: 'CONNECT' });
    const first = await send();
    assert.equal(first.status, 201, first.text);
    const replay = await send();
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.ok(exposed(replay).includes('idempotent-replayed'));
    const limited = await send();
    assert.equal(limited.status, 429);
    assert.ok(limited.headers['retry-after']);
    assert.ok(exposed(limited).includes('retry-after'));
  });
});
