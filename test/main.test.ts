import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CANARY } from './support/canaries.js';
import { runTsScript } from './support/spawn-service.js';
import { testEnv } from './support/test-app.js';

const runEntryPoint = (env: NodeJS.ProcessEnv) => runTsScript('src/main.ts', [], { env });

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

describe('the entry point on a port that is taken', () => {
  it('exits with code 1 and one line saying to set PORT', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      const exit = await runEntryPoint(testEnv({ HOST: '127.0.0.1', PORT: String(address.port) }));
      assert.equal(exit.code, 1, exit.stderr);
      const problems = exit.stderr.split('\n').filter((line) => line.startsWith('config error: '));
      assert.deepEqual(problems, [
        `config error: PORT: port ${address.port} on 127.0.0.1 is already in use (is another npm start running?); set PORT to a free port, e.g. PORT=${address.port + 1}`,
      ]);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

describe('the entry point with a store it cannot open', () => {
  it('exits with code 1 and one line naming DATABASE_URL with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gts-main-store-'));
    try {
      const notADatabase = join(dir, 'not-a-database.db');
      writeFileSync(notADatabase, 'this is not SQLite '.repeat(100));
      const exit = await runEntryPoint(
        testEnv({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: `sqlite:${notADatabase}` }),
      );
      assert.equal(exit.code, 1, exit.stderr);
      const problems = exit.stderr.split('\n').filter((line) => line.startsWith('config error: '));
      assert.deepEqual(problems, [
        'config error: DATABASE_URL: the store could not be opened: file is not a database',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
