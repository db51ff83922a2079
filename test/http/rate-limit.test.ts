import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

function assertLimited(response: request.Response): void {
  assert.equal(response.status, 429);
  assert.equal(response.body.code, 'rate_limited');
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.equal(response.body.smallcaseAuthToken, undefined);
}

async function withApp(env: NodeJS.ProcessEnv, run: (app: ReturnType<typeof buildTestApp>) => Promise<void>) {
  const testApp = buildTestApp({ env });
  try {
    await run(testApp);
  } finally {
    await testApp.close();
  }
}

describe('rate limit on /auth-token', () => {
  it('answers 429 with Retry-After once a user exceeds RATE_LIMIT_PER_MINUTE, GET and POST together', () =>
    withApp({ RATE_LIMIT_PER_MINUTE: '3' }, async (testApp) => {
      const session = testApp.session('busy-user');
      rememberToken(session);
      for (const method of ['post', 'get', 'post'] as const) {
        const response = await request(testApp.app)[method]('/auth-token').set(bearer(session)).expect(200);
        rememberToken(response.body.smallcaseAuthToken);
      }
      assertLimited(await request(testApp.app).post('/auth-token').set(bearer(session)));

      const other = testApp.session('quiet-user');
      rememberToken(other);
      const response = await request(testApp.app).post('/auth-token').set(bearer(other)).expect(200);
      rememberToken(response.body.smallcaseAuthToken);
    }));

  it('counts failed, unauthenticated attempts per client IP', () =>
    withApp({ RATE_LIMIT_PER_MINUTE: '3' }, async (testApp) => {
      await request(testApp.app).post('/auth-token').expect(401);
      await request(testApp.app).post('/auth-token').set('Authorization', 'Bearer a.b.c').expect(401);
      await request(testApp.app).get('/auth-token').set('Authorization', 'Basic x').expect(401);
      assertLimited(await request(testApp.app).post('/auth-token').set('Authorization', 'Bearer d.e.f'));
    }));

  it('ignores X-Forwarded-For when TRUST_PROXY is unset, so spoofed addresses share one bucket', () =>
    withApp({ RATE_LIMIT_PER_MINUTE: '2' }, async (testApp) => {
      await request(testApp.app).post('/auth-token').set('X-Forwarded-For', '203.0.113.1').expect(401);
      await request(testApp.app).post('/auth-token').set('X-Forwarded-For', '203.0.113.2').expect(401);
      assertLimited(await request(testApp.app).post('/auth-token').set('X-Forwarded-For', '203.0.113.3'));
    }));

  it('uses the forwarded client address when TRUST_PROXY trusts the hop', () =>
    withApp({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'loopback' }, async (testApp) => {
      await request(testApp.app).post('/auth-token').set('X-Forwarded-For', '203.0.113.1').expect(401);
      assertLimited(await request(testApp.app).post('/auth-token').set('X-Forwarded-For', '203.0.113.1'));
      await request(testApp.app).post('/auth-token').set('X-Forwarded-For', '198.51.100.7').expect(401);
    }));

  it('does not limit /healthz', () =>
    withApp({ RATE_LIMIT_PER_MINUTE: '1' }, async (testApp) => {
      for (let i = 0; i < 5; i += 1) await request(testApp.app).get('/healthz').expect(200);
    }));
});
