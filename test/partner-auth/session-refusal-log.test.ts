import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, SignJWT } from 'jose';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { forgeHmacJwt, forgeUnsignedJwt, nowSeconds } from '../support/forge-jwt.js';
import { type JwksServer, startJwksServer } from '../support/jwks-server.js';
import { rememberToken } from '../support/log-capture.js';
import { generatePemKeyPair } from '../support/partner-keys.js';
import { loggedRefusal } from '../support/session-refusals.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const ISSUER = 'https://idp.partner.example';
const AUDIENCE = 'gateway-token-service';

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'refused-user', iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600, ...overrides };
}

function without(name: string): Record<string, unknown> {
  const { [name]: _dropped, ...rest } = claims();
  return rest;
}

function signed(payload: Record<string, unknown>, secret: string = CANARY.partnerJwtSecret): string {
  const token = jwt.sign(payload, secret, { algorithm: 'HS256' });
  rememberToken(token);
  return token;
}

/** Sends `headers`, expects a 401, and returns what the log says about that request. */
async function refusal(app: TestApp['app'], headers: Record<string, string>) {
  const response = await request(app).post('/auth-token').set(headers);
  assert.equal(response.status, 401);
  const requestId = response.headers['x-request-id'];
  assert.equal(response.body.requestId, requestId, 'the problem body names the request id');
  const logged = loggedRefusal(requestId);
  assert.ok(logged, `a refusal line for request ${requestId}`);
  assert.equal(logged.level, 'info');
  for (const value of Object.values(headers)) {
    const token = value.replace(/^Bearer /, '');
    assert.ok(!logged.line.includes(token), 'the log line does not hold the token');
    const signature = token.split('.')[2];
    if (signature) assert.ok(!logged.line.includes(signature), 'nor its signature');
  }
  return logged;
}

describe('why was I refused? jwt mode with issuer and audience', () => {
  const testApp = buildTestApp({
    env: { PARTNER_JWT_ISSUER: ISSUER, PARTNER_JWT_AUDIENCE: AUDIENCE, RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  after(() => testApp.close());

  const cases: [string, () => Record<string, string>, string, RegExp][] = [
    ['no credentials at all', () => ({}), 'no_credentials', /no Authorization: Bearer/],
    ['a token that is not a JWT', () => bearer('not-a-jwt'), 'malformed', /compact JWS/],
    [
      'an expired session',
      () => bearer(signed(claims({ exp: nowSeconds() - 120 }))),
      'expired',
      /exp passed 1\d\d s ago/,
    ],
    [
      'a session not valid yet',
      () => bearer(signed(claims({ nbf: nowSeconds() + 600 }))),
      'not_yet_valid',
      /nbf is \d+ s ahead/,
    ],
    [
      'alg none',
      () => bearer(forgeUnsignedJwt(claims(), 'AAAA')),
      'wrong_algorithm',
      /"none" is not one of HS256/,
    ],
    [
      'another key',
      () => bearer(signed(claims(), 'another-partner-secret-of-enough-length!')),
      'bad_signature',
      /PARTNER_JWT_SECRET/,
    ],
    [
      'the wrong issuer',
      () => bearer(signed(claims({ iss: 'https://other.example' }))),
      'issuer_mismatch',
      /"https:\/\/other\.example" is not PARTNER_JWT_ISSUER/,
    ],
    ['no issuer', () => bearer(signed(without('iss'))), 'missing_claim', /"iss".*PARTNER_JWT_ISSUER/],
    [
      'the wrong audience',
      () => bearer(signed(claims({ aud: 'another-service' }))),
      'audience_mismatch',
      /PARTNER_JWT_AUDIENCE/,
    ],
    ['no audience', () => bearer(signed(without('aud'))), 'missing_claim', /"aud"/],
    ['no exp', () => bearer(signed(without('exp'))), 'missing_claim', /"exp"/],
    [
      'no user claim',
      () => bearer(signed(without('sub'))),
      'missing_claim',
      /"sub" claim \(PARTNER_USER_CLAIM\)/,
    ],
    [
      'an unusable user id',
      () => bearer(signed(claims({ sub: ' padded ' }))),
      'invalid_user_id',
      /whitespace/,
    ],
    [
      'a lifetime over 30 days',
      () => bearer(signed(claims({ exp: nowSeconds() + 40 * 86_400 }))),
      'lifetime_too_long',
      /PARTNER_JWT_MAX_LIFETIME_SECONDS/,
    ],
    [
      'an iat in the future',
      () => bearer(signed(claims({ iat: nowSeconds() + 3600 }))),
      'iat_in_future',
      /in the future/,
    ],
    [
      'a crit header',
      () => bearer(forgeHmacJwt({ alg: 'HS256', crit: ['exp'] }, claims(), CANARY.partnerJwtSecret)),
      'crit_header',
      /crit/,
    ],
    [
      'our own smallcaseAuthToken',
      () => bearer(signed(claims({ guest: true }))),
      'gateway_token',
      /smallcaseAuthToken/,
    ],
  ];
  for (const [scenario, headers, reason, detail] of cases) {
    it(`logs reason ${reason} for ${scenario}, with the request id and without the token`, async () => {
      const logged = await refusal(testApp.app, headers());
      assert.equal(logged.reason, reason);
      assert.match(logged.detail, detail);
    });
  }

  it('logs no refusal for an accepted session', async () => {
    const response = await request(testApp.app)
      .post('/auth-token')
      .set(bearer(signed(claims())))
      .expect(200);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(loggedRefusal(response.headers['x-request-id']), undefined);
  });
});

describe('why was I refused? JWKS URL', () => {
  let jwks: JwksServer;
  let testApp: TestApp;
  const pair = generatePemKeyPair.ec();
  const sign = async (kid: string) => {
    const token = await new SignJWT({ sub: 'jwks-user', exp: nowSeconds() + 600 })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(createPrivateKey(pair.privateKey));
    rememberToken(token);
    return token;
  };
  before(async () => {
    jwks = await startJwksServer();
    jwks.keys = [{ ...(await exportJWK(createPublicKey(pair.publicKey))), kid: 'known', alg: 'ES256' }];
    testApp = buildTestApp({ env: { PARTNER_JWT_SECRET: undefined, PARTNER_JWKS_URL: jwks.url } });
  });
  after(async () => {
    await testApp.close();
    await jwks.close();
  });

  it('logs unknown_key for a kid the key set does not hold', async () => {
    const logged = await refusal(testApp.app, bearer(await sign('rotated-away')));
    assert.equal(logged.reason, 'unknown_key');
    assert.match(logged.detail, /"rotated-away"/);
  });

  it('logs key_unavailable when the key set cannot be fetched', async () => {
    const unreachable = await startJwksServer();
    await unreachable.close();
    const down = buildTestApp({ env: { PARTNER_JWT_SECRET: undefined, PARTNER_JWKS_URL: unreachable.url } });
    try {
      const logged = await refusal(down.app, bearer(await sign('known')));
      assert.equal(logged.reason, 'key_unavailable');
      assert.match(logged.detail, /PARTNER_JWKS_URL/);
    } finally {
      await down.close();
    }
  });
});
