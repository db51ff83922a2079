import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { CANARY } from '../support/canaries.js';
import { testEnv } from '../support/test-app.js';
import { assertRefused, productionEnv } from './config-test-helpers.js';

describe('loadConfig: GATEWAY_API_SECRET_PREVIOUS', () => {
  it('is unset by default, and read from the variable or from its _FILE form', () => {
    assert.equal(loadConfig(testEnv()).config.gatewayApiSecretPrevious, undefined);
    const direct = loadConfig(testEnv({ GATEWAY_API_SECRET_PREVIOUS: CANARY.previousGatewayApiSecret }));
    assert.equal(direct.config.gatewayApiSecretPrevious, CANARY.previousGatewayApiSecret);
    const fromFile = loadConfig(
      productionEnv({ GATEWAY_API_SECRET_PREVIOUS_FILE: '/run/secrets/previous' }),
      (path) => (path === '/run/secrets/previous' ? `${CANARY.previousGatewayApiSecret}\n` : ''),
    );
    assert.equal(fromFile.config.gatewayApiSecretPrevious, CANARY.previousGatewayApiSecret);
  });

  it('refuses whitespace, the current apiSecret again, a placeholder, and both forms at once, never echoing a value', () => {
    assertRefused(productionEnv({ GATEWAY_API_SECRET_PREVIOUS: '   ' }), 'GATEWAY_API_SECRET_PREVIOUS');
    assertRefused(
      productionEnv({ GATEWAY_API_SECRET_PREVIOUS: 'replace-with-the-previous-api-secret' }),
      'GATEWAY_API_SECRET_PREVIOUS',
    );
    assertRefused(
      productionEnv({ GATEWAY_API_SECRET_PREVIOUS: CANARY.gatewayApiSecret }),
      'GATEWAY_API_SECRET_PREVIOUS',
    );
    assertRefused(
      productionEnv({
        GATEWAY_API_SECRET_PREVIOUS: CANARY.previousGatewayApiSecret,
        GATEWAY_API_SECRET_PREVIOUS_FILE: '/run/secrets/previous',
      }),
      'GATEWAY_API_SECRET_PREVIOUS',
    );
  });
});

describe('loadConfig: WEBHOOK_MAX_AGE_SECONDS', () => {
  it('defaults to four days and takes a whole number of seconds', () => {
    assert.equal(loadConfig(testEnv()).config.webhookMaxAgeSeconds, 345_600);
    assert.equal(loadConfig(testEnv({ WEBHOOK_MAX_AGE_SECONDS: '600' })).config.webhookMaxAgeSeconds, 600);
    assertRefused(productionEnv({ WEBHOOK_MAX_AGE_SECONDS: '4d' }), 'WEBHOOK_MAX_AGE_SECONDS');
  });
});

describe('loadConfig: GATEWAY_INTENTS', () => {
  it('is unset by default (the service then accepts every intent it validates), else a comma-separated list', () => {
    assert.equal(loadConfig(testEnv()).config.gatewayIntents, undefined);
    assert.equal(loadConfig(testEnv({ GATEWAY_INTENTS: ' ' })).config.gatewayIntents, undefined);
    const narrowed = loadConfig(testEnv({ GATEWAY_INTENTS: ' CONNECT, HOLDINGS_IMPORT,CONNECT ' }));
    assert.deepEqual(narrowed.config.gatewayIntents, ['CONNECT', 'HOLDINGS_IMPORT']);
  });

  it('refuses an intent the service cannot validate (SUBSCRIPTION, ONBOARDING, a typo), naming it', () => {
    for (const intent of ['SUBSCRIPTION', 'ONBOARDING', 'connect']) {
      const problems = assertRefused(
        productionEnv({ GATEWAY_INTENTS: `CONNECT,${intent}` }),
        'GATEWAY_INTENTS',
      );
      assert.ok(problems.some((problem) => problem.includes(`"${intent}"`)));
    }
  });
});
