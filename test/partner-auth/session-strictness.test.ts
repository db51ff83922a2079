import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, SignJWT } from 'jose';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { nowSeconds } from '../support/forge-jwt.js';
import { type JwksServer, startJwksServer } from '../support/jwks-server.js';
import { rememberToken } from '../support/log-capture.js';
import { generatePemKeyPair } from '../support/partner-keys.js';
import { loggedRefusal } from '../support/session-refusals.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

const DAY = 86_400;

interface KeyKind {
  readonly name: string;
  readonly alg: string;
  readonly kid?: string;
  readonly env: () => NodeJS.ProcessEnv;
  readonly privateKey: () => KeyObject;
}

let jwks: JwksServer;
const ecPair = generatePemKeyPair.ec();
const rsaPair = generatePemKeyPair.rsa();
const edPair = generatePemKeyPair.ed25519();

const KEY_KINDS: readonly KeyKind[] = [
  {
    name: 'HS256 secret (jsonwebtoken)',
    alg: 'HS256',
    env: () => ({}),
    privateKey: () => createSecretKey(Buffer.from(CANARY.partnerJwtSecret)),
  },
  {
    name: 'RSA PEM public key (jsonwebtoken)',
    alg: 'RS256',
    env: () => ({ PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: rsaPair.publicKey }),
    privateKey: () => createPrivateKey(rsaPair.privateKey),
  },
  {
    name: 'Ed25519 PEM public key (jose)',
    alg: 'EdDSA',
    env: () => ({ PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: edPair.publicKey }),
    privateKey: () => createPrivateKey(edPair.privateKey),
  },
  {
    name: 'JWKS URL (jose)',
    alg: 'ES256',
    kid: 'strict-1',
    env: () => ({ PARTNER_JWT_SECRET: undefined, PARTNER_JWKS_URL: jwks.url }),
    privateKey: () => createPrivateKey(ecPair.privateKey),
  },
];

before(async () => {
  jwks = await startJwksServer();
  const jwk = await exportJWK(createPublicKey(ecPair.publicKey));
  jwks.keys = [{ ...jwk, kid: 'strict-1', alg: 'ES256', use: 'sig' }];
});
after(() => jwks.close());

for (const kind of KEY_KINDS) {
  describe(`stricter partner sessions: ${kind.name}`, () => {
    let testApp: TestApp;
    before(() => {
      testApp = buildTestApp({ env: { ...kind.env(), RATE_LIMIT_PER_MINUTE: '1000000' } });
    });
    after(() => testApp.close());

    const sign = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
      const token = await new SignJWT({ sub: 'strict-user', exp: nowSeconds() + 600, ...claims })
        .setProtectedHeader({ alg: kind.alg, ...(kind.kid ? { kid: kind.kid } : {}), ...header })
        .sign(kind.privateKey());
      rememberToken(token);
      return token;
    };
    const expectAccepted = async (token: string) => {
      const response = await request(testApp.app).post('/auth-token').set(bearer(token));
      if (response.body.smallcaseAuthToken) rememberToken(response.body.smallcaseAuthToken);
      assert.equal(response.status, 200, JSON.stringify(loggedRefusal(response.headers['x-request-id'])));
    };
    const expectRefused = async (token: string, reason: string) => {
      const response = await request(testApp.app).post('/auth-token').set(bearer(token));
      if (response.body.smallcaseAuthToken) rememberToken(response.body.smallcaseAuthToken);
      assert.equal(response.status, 401);
      assert.equal(response.body.code, 'unauthenticated');
      assert.equal(loggedRefusal(response.headers['x-request-id'])?.reason, reason);
    };

    it('accepts a plain session, one 29 days long, and one stamped 30 s ahead by a fast IdP clock', async () => {
      await expectAccepted(await sign({ iat: nowSeconds() }));
      await expectAccepted(await sign({ exp: nowSeconds() + 29 * DAY }));
      await expectAccepted(await sign({ iat: nowSeconds() + 30 }));
    });

    it('refuses a JWT header with crit, even one the JWS library understands (b64)', async () => {
      await expectRefused(await sign({}, { crit: ['b64'], b64: true }), 'crit_header');
    });

    it('refuses an exp further ahead than the default 30-day lifetime', async () => {
      await expectRefused(await sign({ exp: nowSeconds() + 31 * DAY }), 'lifetime_too_long');
      await expectRefused(await sign({ exp: nowSeconds() + 100 * 365 * DAY }), 'lifetime_too_long');
    });

    it('refuses an iat more than 60 s in the future, and an iat that is not a number', async () => {
      await expectRefused(await sign({ iat: nowSeconds() + 600 }), 'iat_in_future');
      await expectRefused(await sign({ iat: 'now' }), 'malformed');
    });

    it('refuses a user id that is not well-formed Unicode, and keeps astral characters', async () => {
      await expectRefused(await sign({ sub: 'user-\ud800' }), 'invalid_user_id');
      await expectRefused(await sign({ sub: '\udc00user' }), 'invalid_user_id');
      await expectAccepted(await sign({ sub: 'user-😀' }));
    });
  });
}

describe('PARTNER_JWT_MAX_LIFETIME_SECONDS', () => {
  const testApp = buildTestApp({
    env: { PARTNER_JWT_MAX_LIFETIME_SECONDS: '3600', RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  after(() => testApp.close());

  const session = (exp: number) => {
    const token = jwt.sign({ sub: 'lifetime-user', exp }, CANARY.partnerJwtSecret, { algorithm: 'HS256' });
    rememberToken(token);
    return token;
  };

  it('refuses a session whose exp lies further ahead than the configured lifetime', async () => {
    const short = session(nowSeconds() + 3000);
    const response = await request(testApp.app).post('/auth-token').set(bearer(short)).expect(200);
    rememberToken(response.body.smallcaseAuthToken);
    const long = session(nowSeconds() + 7200);
    const refused = await request(testApp.app).post('/auth-token').set(bearer(long)).expect(401);
    const logged = loggedRefusal(refused.headers['x-request-id']);
    assert.equal(logged?.reason, 'lifetime_too_long');
    assert.match(logged?.detail ?? '', /PARTNER_JWT_MAX_LIFETIME_SECONDS \(3600\)/);
  });
});
