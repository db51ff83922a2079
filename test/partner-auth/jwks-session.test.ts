import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportJWK, SignJWT } from 'jose';
import request from 'supertest';
import { nowSeconds } from '../support/forge-jwt.js';
import { type JwksServer, startJwksServer } from '../support/jwks-server.js';
import { rememberToken } from '../support/log-capture.js';
import { generatePemKeyPair } from '../support/partner-keys.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

async function signingKey(kid: string) {
  const pair = generatePemKeyPair.ec();
  const jwk = { ...(await exportJWK(createPublicKey(pair.publicKey))), kid, alg: 'ES256', use: 'sig' };
  const privateKey = createPrivateKey(pair.privateKey);
  const sign = async (sub: string, signKid = kid) => {
    const token = await new SignJWT({ sub })
      .setProtectedHeader({ alg: 'ES256', kid: signKid })
      .setExpirationTime(nowSeconds() + 600)
      .sign(privateKey);
    rememberToken(token);
    return token;
  };
  return { jwk, sign };
}

function jwksApp(url: string, tuning: { jwksTimeoutMs: number; jwksCooldownMs: number }): TestApp {
  const env = { PARTNER_JWT_SECRET: undefined, PARTNER_JWKS_URL: url, RATE_LIMIT_PER_MINUTE: '1000' };
  return buildTestApp({ env, deps: { jwksTuning: tuning } });
}

async function authToken(app: TestApp['app'], token: string) {
  const response = await request(app).post('/auth-token').set(bearer(token));
  if (response.body.smallcaseAuthToken) rememberToken(response.body.smallcaseAuthToken);
  return response;
}

describe('partner session verified against a JWKS URL', () => {
  let jwks: JwksServer;
  before(async () => {
    jwks = await startJwksServer();
  });
  after(() => jwks.close());

  it('accepts a token whose kid is in the key set, fetching the set once', async () => {
    const key = await signingKey('key-1');
    jwks.keys = [key.jwk];
    jwks.hits = 0;
    const testApp = jwksApp(jwks.url, { jwksTimeoutMs: 2000, jwksCooldownMs: 60_000 });
    try {
      assert.equal((await authToken(testApp.app, await key.sign('gina'))).status, 200);
      assert.equal((await authToken(testApp.app, await key.sign('gina'))).status, 200);
      assert.equal(jwks.hits, 1);
    } finally {
      await testApp.close();
    }
  });

  it('refetches at most once within the cool-down for unknown kids', async () => {
    const known = await signingKey('key-known');
    const stranger = await signingKey('key-unknown');
    jwks.keys = [known.jwk];
    jwks.hits = 0;
    const testApp = jwksApp(jwks.url, { jwksTimeoutMs: 2000, jwksCooldownMs: 60_000 });
    try {
      assert.equal((await authToken(testApp.app, await known.sign('hank'))).status, 200);
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await authToken(testApp.app, await stranger.sign('hank'));
        assert.equal(response.status, 401);
        assert.equal(response.body.code, 'unauthenticated');
      }
      assert.ok(jwks.hits <= 2, `${jwks.hits} fetches`);
    } finally {
      await testApp.close();
    }
  });

  it('picks up a rotated key once the cool-down has passed', async () => {
    const oldKey = await signingKey('key-old');
    const newKey = await signingKey('key-new');
    jwks.keys = [oldKey.jwk];
    jwks.hits = 0;
    const testApp = jwksApp(jwks.url, { jwksTimeoutMs: 2000, jwksCooldownMs: 100 });
    try {
      assert.equal((await authToken(testApp.app, await oldKey.sign('ivy'))).status, 200);
      jwks.keys = [oldKey.jwk, newKey.jwk];
      // Not a guess at how long something takes: the cool-down is a clock rule, and 300 ms after
      // the last fetch is past its 100 ms however loaded the machine is.
      await sleep(300);
      assert.equal((await authToken(testApp.app, await newKey.sign('ivy'))).status, 200);
      assert.equal(jwks.hits, 2);
    } finally {
      await testApp.close();
    }
  });

  it('answers 401 within the fetch timeout when the JWKS server hangs', async () => {
    const key = await signingKey('key-hang');
    jwks.keys = [key.jwk];
    jwks.hang = true;
    const testApp = jwksApp(jwks.url, { jwksTimeoutMs: 300, jwksCooldownMs: 60_000 });
    try {
      const started = Date.now();
      const response = await authToken(testApp.app, await key.sign('jack'));
      assert.equal(response.status, 401);
      assert.equal(response.body.code, 'unauthenticated');
      assert.ok(Date.now() - started < 5000, 'answered well before any client would give up');
    } finally {
      jwks.hang = false;
      await testApp.close();
    }
  });
});
