import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { rememberToken } from '../support/log-capture.js';
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
