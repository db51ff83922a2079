import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DevelopmentSecrets } from '../../src/config/development-secrets.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { readStartupConfig } from '../../src/config/startup-config.js';
import { noFiles, productionEnv } from './config-test-helpers.js';

function tempSecretsPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gts-startup-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'data', 'dev-secrets.json');
}

const kept = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as DevelopmentSecrets;

function problemsOf(start: () => unknown): readonly string[] {
  try {
    start();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return assert.fail('start-up was accepted');
}

describe('start-up configuration of a development service without secrets', () => {
  it('keeps its generated secrets in the file, says where (never the values), and finds them again', () => {
    const secretsPath = tempSecretsPath();
    const first = readStartupConfig({}, { dotenvText: undefined, secretsPath });
    const secrets = kept(secretsPath);
    assert.equal(first.config.gatewaySecret, secrets.GATEWAY_SECRET);
    assert.equal(first.config.gatewayApiSecret, secrets.GATEWAY_API_SECRET);
    assert.deepEqual(first.config.partnerAuth.mode === 'jwt' && first.config.partnerAuth.key, {
      kind: 'secret',
      secret: secrets.PARTNER_JWT_SECRET,
    });
    assert.equal(first.config.devLogin, true, 'kept development secrets are still generated ones');
    const [notice, ...others] = first.notices;
    assert.deepEqual(others, []);
    assert.equal(notice?.level, 'info');
    assert.match(notice?.message ?? '', /generated and saved in .*dev-secrets\.json/);
    for (const value of Object.values(secrets)) {
      assert.ok(!JSON.stringify(first.notices).includes(value), 'no secret value in the notice');
    }

    const again = readStartupConfig({}, { dotenvText: undefined, secretsPath });
    assert.equal(again.config.gatewaySecret, secrets.GATEWAY_SECRET);
    assert.match(again.notices[0]?.message ?? '', /read from .*dev-secrets\.json/);
    assert.deepEqual(again.notices[0]?.fields?.variables, [
      'GATEWAY_SECRET',
      'GATEWAY_API_SECRET',
      'PARTNER_JWT_SECRET',
    ]);
  });

  it('takes what .env sets from .env and only the rest from the file', () => {
    const secretsPath = tempSecretsPath();
    const { config, notices } = readStartupConfig(
      {},
      { dotenvText: 'GATEWAY_API_SECRET=api-secret-from-dotenv-0123456789abcdef\n', secretsPath },
    );
    assert.equal(config.gatewayApiSecret, 'api-secret-from-dotenv-0123456789abcdef');
    assert.equal(config.gatewaySecret, kept(secretsPath).GATEWAY_SECRET);
    assert.deepEqual(notices[0]?.fields?.variables, ['GATEWAY_SECRET', 'PARTNER_JWT_SECRET']);
  });

  it('writes no file in test mode, where secrets stay random per start', () => {
    const secretsPath = tempSecretsPath();
    const { config, notices } = readStartupConfig(
      { NODE_ENV: 'test' },
      { dotenvText: undefined, secretsPath },
    );
    assert.ok(config.gatewaySecret.length >= 32);
    assert.deepEqual(notices, []);
    assert.equal(existsSync(secretsPath), false);
  });

  it('refuses a secrets file it cannot read with one line naming it', () => {
    const secretsPath = tempSecretsPath();
    readStartupConfig({}, { dotenvText: undefined, secretsPath });
    const problems = problemsOf(() =>
      readStartupConfig({}, { dotenvText: undefined, secretsPath: join(secretsPath, '..') }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /data: cannot be read/);
  });
});

describe('start-up configuration in production', () => {
  it('never reads or writes the development secrets file', () => {
    const unused = tempSecretsPath();
    readStartupConfig(productionEnv(), { dotenvText: undefined, secretsPath: unused });
    assert.equal(existsSync(unused), false);
    const secretsPath = tempSecretsPath();
    readStartupConfig({}, { dotenvText: undefined, secretsPath });
    const problems = problemsOf(() =>
      readStartupConfig(productionEnv({ GATEWAY_SECRET: undefined }), { dotenvText: undefined, secretsPath }),
    );
    assert.deepEqual(problems, ['GATEWAY_SECRET: required when NODE_ENV=production']);
    const persisted = kept(secretsPath);
    const direct = problemsOf(() =>
      loadConfig(productionEnv({ GATEWAY_API_SECRET: undefined }), noFiles, persisted),
    );
    assert.deepEqual(direct, ['GATEWAY_API_SECRET: required when NODE_ENV=production']);
  });

  it('says that a .env in the folder is ignored, and ignores it', () => {
    const { config, notices } = readStartupConfig(productionEnv(), {
      dotenvText: 'LOG_LEVEL=debug\n',
      secretsPath: tempSecretsPath(),
    });
    assert.equal(config.logLevel, 'info');
    assert.equal(notices.length, 1);
    assert.equal(notices[0]?.level, 'warn');
    assert.match(notices[0]?.message ?? '', /^\.env: ignored because NODE_ENV=production/);
  });

  it('names every way of giving a partner key when none is given', () => {
    const problems = problemsOf(() =>
      readStartupConfig(productionEnv({ PARTNER_JWT_SECRET: undefined }), { dotenvText: undefined }),
    );
    assert.equal(problems.length, 1);
    for (const alternative of [
      'PARTNER_JWT_SECRET',
      'PARTNER_JWT_PUBLIC_KEY',
      'PARTNER_JWKS_URL',
      'PARTNER_AUTH=header',
      'PARTNER_USER_HEADER',
      'PARTNER_PROXY_SECRET',
    ]) {
      assert.ok(problems[0]?.includes(alternative), `names ${alternative}: ${problems[0]}`);
    }
  });
});
