import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/failing-process.ts', import.meta.url));

function runFixture(how: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', FIXTURE, how],
      { env: { PATH: process.env.PATH }, timeout: 20_000 },
      (error, stdout) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout }),
    );
  });
}

describe('a process with an unexpected failure', () => {
  for (const [how, message] of [
    ['rejection', 'unhandled promise rejection: exiting'],
    ['exception', 'uncaught exception: exiting'],
  ] as const) {
    it(`logs the first ${how} once as fatal, with its error, and exits 1`, async () => {
      const { code, stdout } = await runFixture(how);
      assert.equal(code, 1);
      const lines = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: string; msg: string; err?: { message?: string } });
      assert.equal(lines.length, 1, stdout);
      assert.equal(lines[0]?.level, 'fatal');
      assert.equal(lines[0]?.msg, message);
      assert.equal(lines[0]?.err?.message, 'first failure');
    });
  }
});
