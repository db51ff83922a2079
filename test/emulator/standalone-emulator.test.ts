import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DevelopmentSecrets } from '../../src/config/development-secrets.js';
import { createLogCapture, rememberToken } from '../support/log-capture.js';
import {
  freePort,
  runTsScript,
  type SpawnedProcess,
  spawnService,
  spawnTs,
} from '../support/spawn-service.js';
import { waitFor } from '../support/wait-for.js';

/** Output of the spawned processes goes through the end-of-file leak check like any log. */
async function finish(...processes: SpawnedProcess[]): Promise<void> {
  for (const spawned of processes) {
    await spawned.kill();
    createLogCapture().write(spawned.output());
  }
}

async function json(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('npm run emulator beside npm start, in one folder with no .env', () => {
  it('shares the kept development secrets: transactions, webhooks both ways, and webhook:send work', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gts-first-hour-'));
    const processes: SpawnedProcess[] = [];
    after(async () => {
      await finish(...processes);
      rmSync(folder, { recursive: true, force: true });
    });
    const emulatorPort = await freePort();
    const servicePort = await freePort();
    const service = { url: `http://127.0.0.1:${servicePort}` };
    const emulator = spawnTs('src/emulator/run-emulator.ts', {
      cwd: folder,
      env: {
        EMULATOR_PORT: String(emulatorPort),
        EMULATOR_WEBHOOK_URL: `${service.url}/webhooks/smallcase`,
      },
    });
    processes.push(emulator);
    await waitFor('the emulator to listen', () => emulator.output().includes('listening on'));
    assert.match(emulator.output(), /GATEWAY_SECRET, GATEWAY_API_SECRET from .*data\/dev-secrets\.json/);

    const running = await spawnService(
      { GATEWAY_API_URL: `http://127.0.0.1:${emulatorPort}`, DEMO_PORT: '0' },
      { bare: true, cwd: folder, port: servicePort },
    );
    processes.push(running);
    assert.match(running.output(), /development secrets read from .*dev-secrets\.json/);

    const login = await json(`${service.url}/dev/session`, { body: { userId: 'bob' } });
    assert.equal(login.status, 200, 'dev login is on with the kept development partner secret');
    const session = String(login.body.sessionToken);
    rememberToken(session);
    const auth = { authorization: `Bearer ${session}` };
    const created = await json(`${service.url}/transactions`, { body: { intent: 'CONNECT' }, headers: auth });
    assert.equal(created.status, 201, 'the emulator accepts the secret and the token the service sends');
    const completed = await json(
      `http://127.0.0.1:${emulatorPort}/__emulator/transactions/${created.body.transactionId}/complete`,
      { body: { smallcaseAuthId: 'SCA_bob', broker: 'zerodha' } },
    );
    assert.equal(completed.status, 200);
    await waitFor('the completion webhook to link bob', async () => {
      const token = await json(`${service.url}/auth-token`, { headers: auth });
      return token.body.userType === 'connected';
    });

    const sent = await runTsScript(
      'scripts/webhook-send.ts',
      ['--url', `${service.url}/webhooks/smallcase`, '--smallcase-auth-id', 'SCA_bob'],
      { cwd: folder },
    );
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^HTTP 200\n/);
    assert.match(sent.stderr, /GATEWAY_API_SECRET from .*dev-secrets\.json/);

    const secrets = JSON.parse(
      readFileSync(join(folder, 'data', 'dev-secrets.json'), 'utf8'),
    ) as DevelopmentSecrets;
    const everything = `${emulator.output()}${running.output()}${sent.stdout}${sent.stderr}`;
    for (const value of Object.values(secrets)) assert.ok(!everything.includes(value), 'no secret printed');
  });
});
