import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { rememberToken } from '../support/log-capture.js';
import { buildTestApp } from '../support/test-app.js';

const DEMO = 'http://localhost:3000';

describe('GET /client/gateway-token-client.js', () => {
  for (const nodeEnv of ['test', 'production']) {
    describe(`with NODE_ENV=${nodeEnv}`, () => {
      const testApp = buildTestApp({
        env: {
          NODE_ENV: nodeEnv,
          CORS_ORIGINS: DEMO,
          GATEWAY_API_URL: 'https://gatewayapi.example',
          ...(nodeEnv === 'production' ? { DEV_LOGIN: 'false' } : {}),
        },
      });
      after(() => testApp.close());

      it('serves the ES module as text/javascript, with CORS for a configured origin', async () => {
        const response = await request(testApp.app)
          .get('/client/gateway-token-client.js')
          .set('Origin', DEMO)
          .expect(200);
        assert.match(response.headers['content-type'] ?? '', /^text\/javascript; charset=utf-8/);
        assert.equal(response.headers['access-control-allow-origin'], DEMO);
        assert.equal(response.headers['x-content-type-options'], 'nosniff');
        assert.match(response.text, /export function createTokenClient\(/);
        assert.match(response.text, /export class GatewayTokenError/);
        assert.doesNotMatch(response.text, /^\s*import\s/m, 'no dependencies');
      });

      it('serves the types beside it (.d.ts), with CORS for a configured origin', async () => {
        const response = await request(testApp.app)
          .get('/client/gateway-token-client.d.ts')
          .set('Origin', DEMO)
          .expect(200);
        assert.match(response.headers['content-type'] ?? '', /^application\/typescript; charset=utf-8/);
        assert.equal(response.headers['access-control-allow-origin'], DEMO);
        assert.match(response.text, /export declare function createTokenClient\(/);
        assert.match(response.text, /readonly broker: string \| null;/);
      });

      it('gives no CORS headers to any other origin', async () => {
        const response = await request(testApp.app)
          .get('/client/gateway-token-client.js')
          .set('Origin', 'https://evil.example')
          .expect(200);
        assert.equal(response.headers['access-control-allow-origin'], undefined);
      });

      it('answers a revalidation with 304', async () => {
        const first = await request(testApp.app).get('/client/gateway-token-client.js').expect(200);
        const lastModified = first.headers['last-modified'];
        assert.ok(lastModified);
        await request(testApp.app)
          .get('/client/gateway-token-client.js')
          .set('If-Modified-Since', lastModified)
          .expect(304);
      });
    });
  }
});

describe('POST /dev/session with PARTNER_SESSION_COOKIE', () => {
  const testApp = buildTestApp({
    env: { DEV_LOGIN: 'true', PARTNER_SESSION_COOKIE: '__Host-partner_session' },
  });
  after(() => testApp.close());

  it('also sets the session as a __Host- cookie (HttpOnly, Secure, SameSite=Strict) that /auth-token accepts', async () => {
    const login = await request(testApp.app).post('/dev/session').send({ userId: 'cookie-user' }).expect(200);
    rememberToken(login.body.sessionToken);
    const [cookie] = login.headers['set-cookie'] as unknown as string[];
    assert.ok(cookie);
    assert.ok(cookie.startsWith(`__Host-partner_session=${login.body.sessionToken};`));
    for (const attribute of ['Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict', 'Max-Age=3600']) {
      assert.ok(cookie.split('; ').includes(attribute), `${attribute} in ${cookie.replace(/=[^;]+/, '=…')}`);
    }
    assert.ok(!/Domain=/i.test(cookie));
    const token = await request(testApp.app)
      .post('/auth-token')
      .set('Cookie', `__Host-partner_session=${login.body.sessionToken}`)
      .expect(200);
    rememberToken(token.body.smallcaseAuthToken);
    assert.equal(token.body.userType, 'guest');
  });
});
