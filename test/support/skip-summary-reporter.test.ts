import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './spawn-service.js';

/** `node --test` as `npm test` runs it, on one fixture file. */
function runWithReporter(fixture: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=./test/support/skip-summary-reporter.mjs',
        join('test', 'support', 'fixtures', fixture),
      ],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH }, timeout: 60_000 },
      (error, stdout) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout }),
    );
  });
}

describe("npm test's reporter", () => {
  it('ends with one line counting the skipped suites by reason, after the usual summary', async () => {
    const run = await runWithReporter('skipped-suites.fixture.ts');
    assert.equal(run.code, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(
      lines.at(-1),
      'ℹ skipped suites 3: their tests did not run and are not in the counts above: TEST_DATABASE_URL is not set (2); TEST_REDIS_URL is not set (1)',
    );
    assert.ok(lines.includes('ℹ pass 1') && lines.includes('ℹ skipped 0'), 'the spec summary is unchanged');
    assert.match(run.stdout, /✔ runs/);
  });

  it('adds nothing when no suite was skipped', async () => {
    const run = await runWithReporter('no-skipped-suites.fixture.ts');
    assert.equal(run.code, 0);
    assert.doesNotMatch(run.stdout, /skipped suites/);
    assert.match(run.stdout.trimEnd().split('\n').at(-1) ?? '', /^ℹ duration_ms /);
  });
});
