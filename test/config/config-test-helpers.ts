import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { CANARY } from '../support/canaries.js';

export const STRONG_SECRET = 'prod-secret-value-that-is-long-enough-0123456789';

/** A complete, valid production environment; each test breaks one thing. */
export function productionEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    GATEWAY_NAME: 'partnergw',
    GATEWAY_SECRET: CANARY.gatewaySecret,
    GATEWAY_API_SECRET: CANARY.gatewayApiSecret,
    PARTNER_JWT_SECRET: CANARY.partnerJwtSecret,
    METRICS_PORT: '9464',
    ...overrides,
  };
}

export const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

export function problemsOf(env: NodeJS.ProcessEnv, readFile = noFiles): readonly string[] {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    assert.ok(error instanceof ConfigError, 'a ConfigError, not some other failure');
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

/** Asserts one problem names `variable`, and no problem echoes any of the secret values given. */
export function assertRefused(
  env: NodeJS.ProcessEnv,
  variable: string,
  readFile = noFiles,
): readonly string[] {
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
