import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { CANARY } from '../support/canaries.js';
import { noFiles, problemsOf } from './config-test-helpers.js';

const devLoginWarnings = (warnings: readonly string[]) =>
  warnings.filter((line) => line.startsWith('DEV_LOGIN:'));

describe('loadConfig: development login', () => {
  it('is on by default, with one warning, while the partner key is the generated development secret', () => {
    const { config, warnings } = loadConfig({}, noFiles);
    assert.equal(config.devLogin, true);
    assert.equal(devLoginWarnings(warnings).length, 1);
  });

  for (const nodeEnv of [undefined, 'development', 'test']) {
    it(`is off by default with a configured PARTNER_JWT_SECRET (NODE_ENV=${nodeEnv ?? 'unset'})`, () => {
      const { config, warnings } = loadConfig(
        {
          ...(nodeEnv === undefined ? {} : { NODE_ENV: nodeEnv }),
          GATEWAY_SECRET: CANARY.gatewaySecret,
          GATEWAY_API_SECRET: CANARY.gatewayApiSecret,
          PARTNER_JWT_SECRET: CANARY.partnerJwtSecret,
        },
        noFiles,
      );
      assert.equal(config.devLogin, false);
      assert.deepEqual(devLoginWarnings(warnings), []);
    });
  }

  it('signs with a configured PARTNER_JWT_SECRET only with DEV_LOGIN=true, and says so at start-up', () => {
    const { config, warnings } = loadConfig(
      { NODE_ENV: 'test', PARTNER_JWT_SECRET: CANARY.partnerJwtSecret, DEV_LOGIN: 'true' },
      noFiles,
    );
    assert.equal(config.devLogin, true);
    const [warning, ...more] = devLoginWarnings(warnings);
    assert.match(warning ?? '', /configured PARTNER_JWT_SECRET/);
    assert.deepEqual(more, []);
  });

  it('is refused when no HS partner secret could sign the sessions', () => {
    const headerMode = problemsOf({
      DEV_LOGIN: 'true',
      PARTNER_AUTH: 'header',
      PARTNER_USER_HEADER: 'x-partner-user',
      PARTNER_PROXY_SECRET: CANARY.partnerJwtSecret,
    });
    assert.ok(
      headerMode.some((problem) => problem.startsWith('DEV_LOGIN:')),
      JSON.stringify(headerMode),
    );
    const jwks = problemsOf({ DEV_LOGIN: 'true', PARTNER_JWKS_URL: 'http://127.0.0.1:9/jwks.json' });
    assert.ok(
      jwks.some((problem) => problem.startsWith('DEV_LOGIN:')),
      JSON.stringify(jwks),
    );
  });

  it('can be switched off with the generated secret too', () => {
    const { config, warnings } = loadConfig({ DEV_LOGIN: 'false' }, noFiles);
    assert.equal(config.devLogin, false);
    assert.deepEqual(devLoginWarnings(warnings), []);
  });
});
