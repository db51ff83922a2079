import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { forgeHmacJwt, forgeUnsignedJwt, nowSeconds } from '../support/forge-jwt.js';
import { rememberToken } from '../support/log-capture.js';
import { generatePemKeyPair } from '../support/partner-keys.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

function publicKeyApp(publicKey: string, env: NodeJS.ProcessEnv = {}) {
  return buildTestApp({ env: { PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: publicKey, ...env } });
}

async function postAuthToken(app: TestApp['app'], token: string, status: number) {
  rememberToken(token);
  const response = await request(app).post('/auth-token').set(bearer(token)).expect(status);
  if (response.body.smallcaseAuthToken) rememberToken(response.body.smallcaseAuthToken);
  if (status === 401) assert.equal(response.body.code, 'unauthenticated');
  return response;
}

describe('partner session verified with an RSA public key (PARTNER_JWT_PUBLIC_KEY)', () => {
  const keys = generatePemKeyPair.rsa();
  const other = generatePemKeyPair.rsa();
  const testApp = publicKeyApp(keys.publicKey);
  after(() => testApp.close());
  const claims = () => ({ sub: 'dave', exp: nowSeconds() + 600 });

  it('accepts an RS256 session signed with the matching private key', async () => {
    const token = jwt.sign(claims(), keys.privateKey, { algorithm: 'RS256' });
    await postAuthToken(testApp.app, token, 200);
  });

  it('refuses HS256 signed with the bytes of the PEM public key (algorithm confusion)', async () => {
    for (const pem of [keys.publicKey, keys.publicKey.trim()]) {
      await postAuthToken(testApp.app, forgeHmacJwt({ alg: 'HS256', typ: 'JWT' }, claims(), pem), 401);
    }
    await postAuthToken(
      testApp.app,
      forgeHmacJwt({ alg: 'HS512', typ: 'JWT' }, claims(), keys.publicKey, 'sha512'),
      401,
    );
  });

  it('refuses alg none, another key pair, an expired session and one without exp', async () => {
    await postAuthToken(testApp.app, forgeUnsignedJwt(claims()), 401);
    await postAuthToken(testApp.app, jwt.sign(claims(), other.privateKey, { algorithm: 'RS256' }), 401);
    const expired = { sub: 'dave', exp: nowSeconds() - 60 };
    await postAuthToken(testApp.app, jwt.sign(expired, keys.privateKey, { algorithm: 'RS256' }), 401);
    await postAuthToken(testApp.app, jwt.sign({ sub: 'dave' }, keys.privateKey, { algorithm: 'RS256' }), 401);
  });

  it('refuses an algorithm outside PARTNER_JWT_ALGORITHMS when it is set', async () => {
    const pinned = publicKeyApp(keys.publicKey, { PARTNER_JWT_ALGORITHMS: 'PS256' });
    try {
      await postAuthToken(pinned.app, jwt.sign(claims(), keys.privateKey, { algorithm: 'RS256' }), 401);
      await postAuthToken(pinned.app, jwt.sign(claims(), keys.privateKey, { algorithm: 'PS256' }), 200);
    } finally {
      await pinned.close();
    }
  });
});

describe('partner session verified with an EdDSA public key', () => {
  const keys = generatePemKeyPair.ed25519();
  const other = generatePemKeyPair.ed25519();
  const testApp = publicKeyApp(keys.publicKey);
  after(() => testApp.close());

  const sign = (claims: Record<string, unknown>, privateKeyPem = keys.privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(createPrivateKey(privateKeyPem));

  it('accepts an EdDSA session signed with the matching private key', async () => {
    const response = await postAuthToken(
      testApp.app,
      await sign({ sub: 'erin', exp: nowSeconds() + 600 }),
      200,
    );
    assert.equal(response.body.userType, 'guest');
  });

  it('refuses another key, an expired session, no exp, alg none and HS256 keyed with the PEM', async () => {
    await postAuthToken(
      testApp.app,
      await sign({ sub: 'erin', exp: nowSeconds() + 600 }, other.privateKey),
      401,
    );
    await postAuthToken(testApp.app, await sign({ sub: 'erin', exp: nowSeconds() - 60 }), 401);
    await postAuthToken(testApp.app, await sign({ sub: 'erin' }), 401);
    await postAuthToken(testApp.app, forgeUnsignedJwt({ sub: 'erin', exp: nowSeconds() + 600 }), 401);
    const confused = forgeHmacJwt({ alg: 'HS256' }, { sub: 'erin', exp: nowSeconds() + 600 }, keys.publicKey);
    await postAuthToken(testApp.app, confused, 401);
  });
});

describe('partner session verified with an EC P-256 public key', () => {
  const keys = generatePemKeyPair.ec();
  const testApp = publicKeyApp(keys.publicKey, {
    PARTNER_JWT_ISSUER: 'https://idp.partner.example',
    PARTNER_JWT_AUDIENCE: 'gts',
  });
  after(() => testApp.close());
  const claims = (overrides: Record<string, unknown> = {}) => ({
    sub: 'frank',
    iss: 'https://idp.partner.example',
    aud: 'gts',
    exp: nowSeconds() + 600,
    ...overrides,
  });

  it('accepts ES256 with the configured issuer and audience, and refuses others', async () => {
    await postAuthToken(testApp.app, jwt.sign(claims(), keys.privateKey, { algorithm: 'ES256' }), 200);
    const wrongIssuer = claims({ iss: 'https://evil.example' });
    await postAuthToken(testApp.app, jwt.sign(wrongIssuer, keys.privateKey, { algorithm: 'ES256' }), 401);
    const wrongAudience = claims({ aud: 'someone-else' });
    await postAuthToken(testApp.app, jwt.sign(wrongAudience, keys.privateKey, { algorithm: 'ES256' }), 401);
  });
});
