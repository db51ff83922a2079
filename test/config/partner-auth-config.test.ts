import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { CANARY } from '../support/canaries.js';
import { generatePemKeyPair } from '../support/partner-keys.js';
import { assertRefused, noFiles, productionEnv } from './config-test-helpers.js';

describe('loadConfig: partner authentication', () => {
  const rsaPem = generatePemKeyPair.rsa().publicKey;
  const ecPem = generatePemKeyPair.ec().publicKey;
  const edPem = generatePemKeyPair.ed25519().publicKey;

  it('refuses two partner key sources at once', () => {
    assertRefused(productionEnv({ PARTNER_JWT_PUBLIC_KEY: rsaPem }), 'PARTNER_JWT_SECRET');
    assertRefused(
      productionEnv({
        PARTNER_JWT_SECRET: undefined,
        PARTNER_JWT_PUBLIC_KEY: rsaPem,
        PARTNER_JWKS_URL: 'https://idp.example/jwks',
      }),
      'PARTNER_JWT_SECRET, PARTNER_JWT_PUBLIC_KEY, PARTNER_JWKS_URL',
    );
  });

  it('refuses a PEM key given as PARTNER_JWT_SECRET: anyone holding a public key could sign HS256 sessions', () => {
    for (const pem of [rsaPem, edPem, `\n${ecPem}`]) {
      assertRefused(productionEnv({ PARTNER_JWT_SECRET: pem }), 'PARTNER_JWT_SECRET: holds a PEM key');
      assertRefused(
        { NODE_ENV: 'development', PARTNER_JWT_SECRET: pem },
        'PARTNER_JWT_SECRET: holds a PEM key',
      );
    }
  });

  it('reads PARTNER_JWT_MAX_LIFETIME_SECONDS, 30 days by default, and refuses values out of range', () => {
    const lifetime = (env: NodeJS.ProcessEnv) => {
      const { partnerAuth } = loadConfig(productionEnv(env), noFiles).config;
      return partnerAuth.mode === 'jwt' ? partnerAuth.maxLifetimeSeconds : undefined;
    };
    assert.equal(lifetime({}), 2_592_000);
    assert.equal(lifetime({ PARTNER_JWT_MAX_LIFETIME_SECONDS: '3600' }), 3600);
    for (const bad of ['59', '31536001', '1e3', '3600s', '-1']) {
      assertRefused(
        productionEnv({ PARTNER_JWT_MAX_LIFETIME_SECONDS: bad }),
        'PARTNER_JWT_MAX_LIFETIME_SECONDS',
      );
    }
  });

  it('refuses an http JWKS URL in production', () => {
    assertRefused(
      productionEnv({ PARTNER_JWT_SECRET: undefined, PARTNER_JWKS_URL: 'http://idp.example/jwks' }),
      'PARTNER_JWKS_URL',
    );
  });

  it('refuses a PARTNER_JWT_PUBLIC_KEY that is not a parseable public key', () => {
    const broken = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n';
    assertRefused(
      productionEnv({ PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: broken }),
      'PARTNER_JWT_PUBLIC_KEY',
    );
    assertRefused(
      productionEnv({ PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: 'abc' }),
      'PARTNER_JWT_PUBLIC_KEY',
    );
  });

  it('refuses a private key given as PARTNER_JWT_PUBLIC_KEY', () => {
    const { privateKey } = generatePemKeyPair.ec();
    assertRefused(
      productionEnv({ PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: privateKey }),
      'PARTNER_JWT_PUBLIC_KEY',
    );
  });

  for (const [label, env] of [
    ['none', { PARTNER_JWT_ALGORITHMS: 'none' }],
    ['HS256,none', { PARTNER_JWT_ALGORITHMS: 'HS256,none' }],
    ['RS256 with an HS secret', { PARTNER_JWT_ALGORITHMS: 'RS256' }],
    [
      'HS256 with an RSA public key',
      { PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: rsaPem, PARTNER_JWT_ALGORITHMS: 'HS256' },
    ],
    [
      'ES256 with an RSA public key',
      { PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: rsaPem, PARTNER_JWT_ALGORITHMS: 'ES256' },
    ],
    [
      'ES384 with a P-256 key',
      { PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: ecPem, PARTNER_JWT_ALGORITHMS: 'ES384' },
    ],
    [
      'RS256 with an Ed25519 key',
      { PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: edPem, PARTNER_JWT_ALGORITHMS: 'RS256' },
    ],
    [
      'HS256 with a JWKS URL',
      {
        PARTNER_JWT_SECRET: undefined,
        PARTNER_JWKS_URL: 'https://idp.example/jwks',
        PARTNER_JWT_ALGORITHMS: 'HS256',
      },
    ],
  ] as [string, NodeJS.ProcessEnv][]) {
    it(`refuses PARTNER_JWT_ALGORITHMS that do not fit the key: ${label}`, () => {
      assertRefused(productionEnv(env), 'PARTNER_JWT_ALGORITHMS');
    });
  }

  it('accepts algorithms that fit each key type', () => {
    const fits = [
      { PARTNER_JWT_ALGORITHMS: 'HS256,HS512' },
      {
        PARTNER_JWT_SECRET: undefined,
        PARTNER_JWT_PUBLIC_KEY: rsaPem,
        PARTNER_JWT_ALGORITHMS: 'RS256,PS256',
      },
      { PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: ecPem, PARTNER_JWT_ALGORITHMS: 'ES256' },
      { PARTNER_JWT_SECRET: undefined, PARTNER_JWT_PUBLIC_KEY: edPem, PARTNER_JWT_ALGORITHMS: 'EdDSA' },
    ];
    for (const env of fits)
      assert.doesNotThrow(() => loadConfig(productionEnv(env), noFiles), JSON.stringify(env));
  });

  it('refuses header mode without PARTNER_PROXY_SECRET or PARTNER_USER_HEADER', () => {
    assertRefused(
      productionEnv({ PARTNER_AUTH: 'header', PARTNER_USER_HEADER: 'x-partner-user' }),
      'PARTNER_PROXY_SECRET',
    );
    assertRefused(
      productionEnv({ PARTNER_AUTH: 'header', PARTNER_PROXY_SECRET: CANARY.proxySecret }),
      'PARTNER_USER_HEADER',
    );
  });

  it('refuses header mode whose identity header is a credential header', () => {
    assertRefused(
      productionEnv({
        PARTNER_AUTH: 'header',
        PARTNER_USER_HEADER: 'Authorization',
        PARTNER_PROXY_SECRET: CANARY.proxySecret,
      }),
      'PARTNER_USER_HEADER',
    );
  });

  it('accepts header mode with a header name and a proxy secret', () => {
    const { config } = loadConfig(
      productionEnv({
        PARTNER_AUTH: 'header',
        PARTNER_USER_HEADER: 'X-Partner-User',
        PARTNER_PROXY_SECRET: CANARY.proxySecret,
      }),
      noFiles,
    );
    assert.deepEqual(config.partnerAuth, {
      mode: 'header',
      userHeader: 'x-partner-user',
      proxySecret: CANARY.proxySecret,
    });
  });

  it('refuses an unknown PARTNER_AUTH mode', () => {
    assertRefused({ PARTNER_AUTH: 'cookie' }, 'PARTNER_AUTH');
  });

  for (const claim of ['exp', 'iat', 'aud', 'guest', 'smallcaseAuthId']) {
    it(`refuses the reserved claim ${claim} as PARTNER_USER_CLAIM`, () => {
      assertRefused({ PARTNER_USER_CLAIM: claim }, 'PARTNER_USER_CLAIM');
    });
  }
});
