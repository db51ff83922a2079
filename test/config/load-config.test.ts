import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, PRODUCTION_GATEWAY_API_URL } from '../../src/config/load-config.js';
import { assertRefused, noFiles, problemsOf, productionEnv } from './config-test-helpers.js';

describe('loadConfig: production refusals', () => {
  it('accepts the complete production environment', () => {
    const { config, warnings } = loadConfig(productionEnv(), noFiles);
    assert.equal(config.isProduction, true);
    assert.equal(config.gatewayApiUrl, PRODUCTION_GATEWAY_API_URL);
    assert.equal(config.devLogin, false);
    assert.deepEqual(config.developmentDefaults, []);
    assert.deepEqual(warnings, []);
    assert.equal(config.metricsPort, 9464);
    assert.equal(config.metricsOnPublicPort, false);
  });

  for (const variable of ['GATEWAY_SECRET', 'GATEWAY_API_SECRET', 'PARTNER_JWT_SECRET', 'GATEWAY_NAME']) {
    it(`refuses to start in production without ${variable}`, () => {
      assertRefused(productionEnv({ [variable]: undefined }), variable);
    });
  }

  it('refuses DEV_LOGIN=true in production', () => {
    assertRefused(productionEnv({ DEV_LOGIN: 'true' }), 'DEV_LOGIN');
  });

  it('refuses an http GATEWAY_API_URL in production', () => {
    assertRefused(productionEnv({ GATEWAY_API_URL: 'http://gatewayapi.smallcase.com' }), 'GATEWAY_API_URL');
  });

  it('refuses a short partner secret in production but only warns in development', () => {
    assertRefused(productionEnv({ PARTNER_JWT_SECRET: 'short-partner-secret' }), 'PARTNER_JWT_SECRET');
    const { warnings } = loadConfig({ PARTNER_JWT_SECRET: 'short-partner-secret' }, noFiles);
    assert.equal(warnings.filter((warning) => warning.includes('PARTNER_JWT_SECRET')).length, 1);
  });

  it('lists every problem at once, one line each', () => {
    const problems = problemsOf(
      productionEnv({ GATEWAY_SECRET: undefined, GATEWAY_NAME: undefined, DEV_LOGIN: 'true' }),
    );
    assert.equal(problems.length, 3);
    for (const problem of problems) assert.ok(!problem.includes('\n'));
  });
});

describe('loadConfig: numbers', () => {
  for (const value of ['600ms', '1e3', '59', '86401', '-60', '3600.5', ' 3600', '0x100']) {
    it(`refuses AUTH_TOKEN_TTL_SECONDS=${JSON.stringify(value)}`, () => {
      assertRefused({ AUTH_TOKEN_TTL_SECONDS: value }, 'AUTH_TOKEN_TTL_SECONDS');
    });
  }

  it('accepts the TTL bounds 60 and 86400', () => {
    assert.equal(loadConfig({ AUTH_TOKEN_TTL_SECONDS: '60' }).config.authTokenTtlSeconds, 60);
    assert.equal(loadConfig({ AUTH_TOKEN_TTL_SECONDS: '86400' }).config.authTokenTtlSeconds, 86_400);
  });

  for (const variable of [
    'PORT',
    'GATEWAY_TIMEOUT_MS',
    'RATE_LIMIT_PER_MINUTE',
    'WEBHOOK_MAX_AGE_SECONDS',
    'RETENTION_DAYS',
  ]) {
    it(`refuses a non-integer ${variable}`, () => {
      assertRefused({ [variable]: '10s' }, variable);
    });
  }
});

describe('loadConfig: result and development defaults', () => {
  it('starts with no environment at all, on random development secrets and the emulator', () => {
    const { config } = loadConfig({}, noFiles);
    assert.equal(config.nodeEnv, 'development');
    assert.equal(config.isProduction, false);
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.gatewayName, 'gatewaydemo');
    assert.equal(config.gatewayApiUrl, undefined);
    assert.equal(config.authTokenTtlSeconds, 3600);
    assert.equal(config.gatewayTimeoutMs, 10_000);
    assert.equal(config.databaseUrl, 'sqlite:./data/gateway-token-service.db');
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.rateLimitPerMinute, 60);
    assert.equal(config.webhookMaxAgeSeconds, 345_600);
    assert.equal(config.gatewayApiSecretPrevious, undefined);
    assert.equal(config.gatewayIntents, undefined, 'the service default: every intent it validates');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.devLogin, true);
    assert.equal(config.demoPort, 3000);
    assert.deepEqual(config.corsOrigins, ['http://localhost:3000', 'http://127.0.0.1:3000']);
    assert.equal(config.partnerAuth.mode, 'jwt');
    assert.ok(Buffer.byteLength(config.gatewaySecret) >= 32);
    assert.ok(Buffer.byteLength(config.gatewayApiSecret) >= 32);
    assert.notEqual(config.gatewaySecret, config.gatewayApiSecret);
    assert.deepEqual(
      [...config.developmentDefaults].sort(),
      [
        'GATEWAY_API_SECRET',
        'GATEWAY_API_URL',
        'GATEWAY_NAME',
        'GATEWAY_SECRET',
        'PARTNER_JWT_SECRET',
      ].sort(),
    );
  });

  it('makes new random development secrets on every start', () => {
    assert.notEqual(loadConfig({}).config.gatewaySecret, loadConfig({}).config.gatewaySecret);
  });

  it('does not start the emulator when GATEWAY_API_URL is set in development', () => {
    const { config } = loadConfig({ GATEWAY_API_URL: 'http://127.0.0.1:9090' });
    assert.equal(config.gatewayApiUrl, 'http://127.0.0.1:9090');
    assert.ok(!config.developmentDefaults.includes('GATEWAY_API_URL'));
  });

  it('returns a deeply frozen result', () => {
    const loaded = loadConfig(
      productionEnv({ CORS_ORIGINS: 'https://partner.example', TRUST_PROXY: '10.0.0.1' }),
    );
    const { config } = loaded;
    assert.ok(Object.isFrozen(loaded));
    assert.ok(Object.isFrozen(loaded.warnings));
    for (const part of [
      config,
      config.partnerAuth,
      config.corsOrigins,
      config.trustProxy,
      config.developmentDefaults,
    ]) {
      assert.ok(Object.isFrozen(part), JSON.stringify(part));
    }
    assert.equal(config.partnerAuth.mode, 'jwt');
    if (config.partnerAuth.mode === 'jwt') assert.ok(Object.isFrozen(config.partnerAuth.key));
    assert.throws(() => {
      (config as { gatewaySecret: string }).gatewaySecret = 'changed';
    }, TypeError);
  });
});
