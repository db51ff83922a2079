import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, PRODUCTION_GATEWAY_API_URL } from '../../src/config/load-config.js';
import { CANARY } from '../support/canaries.js';
import { generatePemKeyPair } from '../support/partner-keys.js';

const STRONG_SECRET = 'prod-secret-value-that-is-long-enough-0123456789';

/** A complete, valid production environment; each test breaks one thing. */
function productionEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    GATEWAY_NAME: 'partnergw',
    GATEWAY_SECRET: CANARY.gatewaySecret,
    GATEWAY_API_SECRET: CANARY.gatewayApiSecret,
    PARTNER_JWT_SECRET: CANARY.partnerJwtSecret,
    ...overrides,
  };
}

const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

function problemsOf(env: NodeJS.ProcessEnv, readFile = noFiles): readonly string[] {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    assert.ok(error instanceof ConfigError, 'a ConfigError, not some other failure');
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

/** Asserts one problem names `variable`, and no problem echoes any of the secret values given. */
function assertRefused(env: NodeJS.ProcessEnv, variable: string, readFile = noFiles): readonly string[] {
  const problems = problemsOf(env, readFile);
  assert.ok(
    problems.some((problem) => problem.startsWith(variable) || problem.includes(`${variable}:`)),
    `a problem names ${variable}: ${JSON.stringify(problems)}`,
  );
  const secrets = [...Object.values(CANARY), STRONG_SECRET, ...secretValuesIn(env)];
  for (const problem of problems) {
    for (const secret of secrets) assert.ok(!problem.includes(secret), `problem echoes a secret: ${problem}`);
  }
  return problems;
}

function secretValuesIn(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => /SECRET|PUBLIC_KEY/.test(name) && !name.endsWith('_FILE') && value)
    .map(([, value]) => value as string)
    .filter((value) => value.trim().length >= 4);
}

describe('loadConfig: production refusals', () => {
  it('accepts the complete production environment', () => {
    const { config, warnings } = loadConfig(productionEnv(), noFiles);
    assert.equal(config.isProduction, true);
    assert.equal(config.gatewayApiUrl, PRODUCTION_GATEWAY_API_URL);
    assert.equal(config.devLogin, false);
    assert.deepEqual(config.developmentDefaults, []);
    assert.deepEqual(warnings, []);
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

describe('loadConfig: numbers, origins and proxies', () => {
  for (const value of ['600ms', '1e3', '59', '86401', '-60', '3600.5', ' 3600', '0x100']) {
    it(`refuses AUTH_TOKEN_TTL_SECONDS=${JSON.stringify(value)}`, () => {
      assertRefused({ AUTH_TOKEN_TTL_SECONDS: value }, 'AUTH_TOKEN_TTL_SECONDS');
    });
  }

  it('accepts the TTL bounds 60 and 86400', () => {
    assert.equal(loadConfig({ AUTH_TOKEN_TTL_SECONDS: '60' }).config.authTokenTtlSeconds, 60);
    assert.equal(loadConfig({ AUTH_TOKEN_TTL_SECONDS: '86400' }).config.authTokenTtlSeconds, 86_400);
  });

  for (const variable of ['PORT', 'GATEWAY_TIMEOUT_MS', 'RATE_LIMIT_PER_MINUTE', 'WEBHOOK_MAX_AGE_SECONDS']) {
    it(`refuses a non-integer ${variable}`, () => {
      assertRefused({ [variable]: '10s' }, variable);
    });
  }

  for (const value of [
    '*',
    'null',
    'https://partner.example/path',
    'https://partner.example/',
    'partner.example',
    'ftp://partner.example',
    'https://partner.example,*',
  ]) {
    it(`refuses CORS_ORIGINS=${JSON.stringify(value)}`, () => {
      assertRefused({ CORS_ORIGINS: value }, 'CORS_ORIGINS');
    });
  }

  it('keeps exact CORS origins as given', () => {
    const { config } = loadConfig({ CORS_ORIGINS: 'https://partner.example, http://localhost:3000' });
    assert.deepEqual(config.corsOrigins, ['https://partner.example', 'http://localhost:3000']);
  });

  for (const value of ['true', 'TRUE', 'yes', '0', '11', '10.0.0.0/33', 'not-an-ip']) {
    it(`refuses TRUST_PROXY=${JSON.stringify(value)}`, () => {
      assertRefused({ TRUST_PROXY: value }, 'TRUST_PROXY');
    });
  }

  it('accepts TRUST_PROXY as a hop count or a list of addresses and CIDRs', () => {
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).config.trustProxy, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback, ::1' }).config.trustProxy, [
      '10.0.0.0/8',
      'loopback',
      '::1',
    ]);
    assert.equal(loadConfig({}).config.trustProxy, false);
  });
});

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
    assert.equal(config.webhookMaxAgeSeconds, 259_200);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.devLogin, true);
    assert.deepEqual(config.corsOrigins, []);
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
