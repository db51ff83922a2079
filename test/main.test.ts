import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CANARY } from './support/canaries.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runEntryPoint(env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the entry point with a bad production configuration', () => {
  it('exits with code 1, prints one line per problem naming the variable, and never a secret', async () => {
    const exit = await runEntryPoint({
      NODE_ENV: 'production',
      GATEWAY_SECRET: CANARY.gatewaySecret,
      GATEWAY_API_SECRET_FILE: '/nonexistent/gateway-api-secret',
      PARTNER_JWT_SECRET: CANARY.gatewaySecret,
      GATEWAY_API_URL: 'http://gatewayapi.example',
      DEV_LOGIN: 'true',
      CORS_ORIGINS: '*',
    });
    assert.equal(exit.code, 1, exit.stderr);
    const lines = exit.stderr.split('\n').filter(Boolean);
    const expected = [
      'GATEWAY_API_SECRET_FILE',
      'PARTNER_JWT_SECRET',
      'GATEWAY_NAME',
      'GATEWAY_API_URL',
      'CORS_ORIGINS',
      'DEV_LOGIN',
    ];
    assert.equal(lines.length, expected.length, exit.stderr);
    for (const variable of expected) {
      assert.equal(
        lines.filter((line) => line.includes(`${variable}:`)).length,
        1,
        `one line for ${variable}`,
      );
    }
    for (const secret of Object.values(CANARY)) {
      assert.ok(!exit.stderr.includes(secret) && !exit.stdout.includes(secret), 'no secret printed');
    }
    assert.equal(exit.stdout, '');
  });
});
