import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DEVELOPMENT_SECRET_NAMES,
  DevelopmentSecretsError,
  loadOrCreateDevelopmentSecrets,
  readDevelopmentSecrets,
  unsetDevelopmentSecrets,
} from '../../src/config/development-secrets.js';

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gts-dev-secrets-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('development secrets kept between starts', () => {
  it('are generated once into a mode-600 file in a folder it creates, then read back unchanged', () => {
    const path = join(tempFolder(), 'data', 'dev-secrets.json');
    const first = loadOrCreateDevelopmentSecrets(path);
    assert.equal(first.created, true);
    assert.deepEqual(Object.keys(first.secrets).sort(), [...DEVELOPMENT_SECRET_NAMES].sort());
    for (const value of Object.values(first.secrets)) assert.ok(value.length >= 32);
    assert.equal(new Set(Object.values(first.secrets)).size, 3, 'three different secrets');
    assert.equal(modeOf(path), 0o600);
    const second = loadOrCreateDevelopmentSecrets(path);
    assert.equal(second.created, false);
    assert.deepEqual(second.secrets, first.secrets);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), first.secrets);
  });

  it('reads nothing and creates nothing when only reading a missing file', () => {
    const path = join(tempFolder(), 'dev-secrets.json');
    assert.equal(readDevelopmentSecrets(path), undefined);
    assert.throws(() => statSync(path), /ENOENT/);
  });

  it('tightens a kept file that became readable by others back to mode 600', () => {
    const path = join(tempFolder(), 'dev-secrets.json');
    loadOrCreateDevelopmentSecrets(path);
    chmodSync(path, 0o644);
    readDevelopmentSecrets(path);
    assert.equal(modeOf(path), 0o600);
  });

  for (const [what, text] of [
    ['not JSON', 'GATEWAY_SECRET=abc'],
    [
      'missing a secret',
      JSON.stringify({ GATEWAY_SECRET: 'x'.repeat(40), GATEWAY_API_SECRET: 'y'.repeat(40) }),
    ],
    [
      'holding a short secret',
      JSON.stringify({ GATEWAY_SECRET: 'x', GATEWAY_API_SECRET: 'y', PARTNER_JWT_SECRET: 'z' }),
    ],
  ]) {
    it(`refuses a file ${what}, naming the file and how to recover, never a value`, () => {
      const path = join(tempFolder(), 'dev-secrets.json');
      writeFileSync(path, text ?? '', { mode: 0o600 });
      assert.throws(
        () => loadOrCreateDevelopmentSecrets(path),
        (error: unknown) =>
          error instanceof DevelopmentSecretsError &&
          error.message.startsWith(`${path}: `) &&
          error.message.includes('delete it') &&
          !error.message.includes('xxxx') &&
          !error.message.includes('abc'),
      );
      assert.equal(readFileSync(path, 'utf8'), text, 'the file is left as it was');
    });
  }
});

describe('which secrets come from the kept file', () => {
  it('are the unset ones in development, NODE_ENV unset included', () => {
    assert.deepEqual(unsetDevelopmentSecrets({}), [...DEVELOPMENT_SECRET_NAMES]);
    assert.deepEqual(unsetDevelopmentSecrets({ NODE_ENV: 'development', GATEWAY_SECRET: 'set' }), [
      'GATEWAY_API_SECRET',
      'PARTNER_JWT_SECRET',
    ]);
    assert.deepEqual(unsetDevelopmentSecrets({ GATEWAY_API_SECRET_FILE: '/run/secrets/api' }), [
      'GATEWAY_SECRET',
      'PARTNER_JWT_SECRET',
    ]);
  });

  it('leave out the partner secret when another partner key or header mode is configured', () => {
    for (const other of [
      { PARTNER_JWKS_URL: 'http://127.0.0.1:1/jwks' },
      { PARTNER_JWT_PUBLIC_KEY_FILE: '/run/secrets/partner.pem' },
      { PARTNER_AUTH: 'header' },
    ]) {
      assert.deepEqual(unsetDevelopmentSecrets(other), ['GATEWAY_SECRET', 'GATEWAY_API_SECRET']);
    }
  });

  it('are none in production and in test mode, which never read or write the file', () => {
    assert.deepEqual(unsetDevelopmentSecrets({ NODE_ENV: 'production' }), []);
    assert.deepEqual(unsetDevelopmentSecrets({ NODE_ENV: 'test' }), []);
  });
});
