import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { CANARY } from '../support/canaries.js';
import { assertRefused, noFiles, productionEnv, STRONG_SECRET } from './config-test-helpers.js';

describe('loadConfig: the Gateway secret', () => {
  for (const [label, value] of [
    ['empty', ''],
    ['whitespace', '   \t '],
  ]) {
    it(`refuses an ${label} GATEWAY_SECRET even in development`, () => {
      assertRefused({ GATEWAY_SECRET: value }, 'GATEWAY_SECRET');
    });
  }

  it('warns exactly once, without the value, about a GATEWAY_SECRET shorter than 32 bytes', () => {
    const short = 'short-gateway-secret-value';
    const { config, warnings } = loadConfig(productionEnv({ GATEWAY_SECRET: short }), noFiles);
    assert.equal(config.gatewaySecret, short);
    const mentions = warnings.filter((warning) => warning.includes('GATEWAY_SECRET'));
    assert.equal(mentions.length, 1);
    assert.ok(!mentions[0]?.includes(short));
  });

  it('refuses PARTNER_JWT_SECRET equal to GATEWAY_SECRET, since our own tokens would pass as sessions', () => {
    assertRefused(productionEnv({ PARTNER_JWT_SECRET: CANARY.gatewaySecret }), 'PARTNER_JWT_SECRET');
  });
});

describe('loadConfig: NAME_FILE secrets', () => {
  it('reads GATEWAY_SECRET_FILE and trims the trailing newline', () => {
    const reads: string[] = [];
    const readFile = (path: string) => {
      reads.push(path);
      return `${STRONG_SECRET}\n`;
    };
    const { config } = loadConfig(
      productionEnv({ GATEWAY_SECRET: undefined, GATEWAY_SECRET_FILE: '/run/secrets/gw' }),
      readFile,
    );
    assert.deepEqual(reads, ['/run/secrets/gw']);
    assert.equal(config.gatewaySecret, STRONG_SECRET);
  });

  it('trims a CRLF line ending too, but keeps inner whitespace', () => {
    const { config } = loadConfig(
      productionEnv({ GATEWAY_API_SECRET: undefined, GATEWAY_API_SECRET_FILE: '/s' }),
      () => `${STRONG_SECRET} tail\r\n`,
    );
    assert.equal(config.gatewayApiSecret, `${STRONG_SECRET} tail`);
  });

  it('refuses NAME and NAME_FILE both set', () => {
    assertRefused(productionEnv({ GATEWAY_SECRET_FILE: '/run/secrets/gw' }), 'GATEWAY_SECRET');
  });

  it('refuses an unreadable NAME_FILE, naming the variable and not the missing secret', () => {
    const problems = assertRefused(
      productionEnv({ PARTNER_JWT_SECRET: undefined, PARTNER_JWT_SECRET_FILE: '/nonexistent/partner' }),
      'PARTNER_JWT_SECRET_FILE',
      () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
    );
    assert.equal(problems.length, 1);
  });

  it('reports an unreadable PARTNER_PROXY_SECRET_FILE once', () => {
    const problems = assertRefused(
      productionEnv({
        PARTNER_AUTH: 'header',
        PARTNER_USER_HEADER: 'x-user',
        PARTNER_PROXY_SECRET_FILE: '/nope',
      }),
      'PARTNER_PROXY_SECRET_FILE',
      () => {
        throw new Error('EACCES');
      },
    );
    assert.equal(problems.length, 1, JSON.stringify(problems));
  });

  it('refuses a NAME_FILE whose file is empty', () => {
    assertRefused(
      productionEnv({ GATEWAY_SECRET: undefined, GATEWAY_SECRET_FILE: '/s' }),
      'GATEWAY_SECRET',
      () => '\n',
    );
  });
});
