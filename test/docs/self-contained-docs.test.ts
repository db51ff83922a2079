import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/spawn-service.js';

const DOCUMENTS = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).map((name) => `docs/${name}`)];

/** What a reader of a clone does not have: the team's shared folder, its contract and issue tracker. */
const OUTSIDE_REFERENCES = [/\.\.\/shared\b/, /\/work\//, /\bCONTRACT\b/, /\bGATEWAY\.md\b/, /\bissue \d+/i];

describe('README.md and docs/ stand on their own in a clone', () => {
  for (const document of DOCUMENTS) {
    it(`${document} names no file or tracker outside the repository, and its relative links resolve`, () => {
      const text = readFileSync(join(REPO_ROOT, document), 'utf8');
      for (const pattern of OUTSIDE_REFERENCES) assert.doesNotMatch(text, pattern, `${document}: ${pattern}`);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        assert.ok(existsSync(join(REPO_ROOT, dirname(document), target)), `${document} links to ${target}`);
      }
    });
  }
});

describe('scripts/container-check.sh, which the README relies on', () => {
  const script = join(REPO_ROOT, 'scripts', 'container-check.sh');
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile('bash', [script, ...args], { timeout: 10_000 }, (error, stdout) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout }),
      );
    });

  it('is an executable bash script that parses', async () => {
    accessSync(script, constants.X_OK);
    await new Promise<void>((resolve, reject) =>
      execFile('bash', ['-n', script], (error) => (error ? reject(error) : resolve())),
    );
  });

  it('explains its checks with --help and refuses an unknown option with exit code 2', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    for (const check of ['HEALTHCHECK', '/healthz', '/readyz', 'non-root', 'SIGTERM', '--format docker']) {
      assert.ok(help.stdout.includes(check), `--help mentions ${check}`);
    }
    assert.equal((await run(['--no-such-option'])).code, 2);
  });
});
