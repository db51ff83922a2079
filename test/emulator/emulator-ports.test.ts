import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import { createLogCapture } from '../support/log-capture.js';
import { freePort, runTsScript, spawnService } from '../support/spawn-service.js';

/** A loopback port held by someone else for the rest of the file. */
async function takenPort(): Promise<number> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  const address = holder.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

/** The in-process emulator's URL as the start-up line announces it. */
function announcedEmulatorPort(output: string): number {
  const match = /Gateway emulator running in-process at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
  assert.ok(match, output);
  return Number(match[1]);
}

async function serviceWithInProcessEmulator(emulatorPort: number) {
  const service = await spawnService({ GATEWAY_API_URL: undefined, EMULATOR_PORT: String(emulatorPort) });
  after(async () => {
    await service.kill();
    createLogCapture().write(service.output());
  });
  return service;
}

describe('ports of the development Gateway emulator', () => {
  it('npm start runs its in-process emulator on EMULATOR_PORT', async () => {
    const port = await freePort();
    const service = await serviceWithInProcessEmulator(port);
    assert.equal(announcedEmulatorPort(service.output()), port);
  });

  it('npm start with EMULATOR_PORT taken takes a free port, and a warning names the variables to set', async () => {
    const port = await takenPort();
    const service = await serviceWithInProcessEmulator(port);
    assert.notEqual(announcedEmulatorPort(service.output()), port);
    const warning = service
      .output()
      .split('\n')
      .find(
        (line) =>
          line.includes('"level":"warn"') && line.includes(`EMULATOR_PORT: 127.0.0.1:${port} is taken`),
      );
    assert.ok(warning, service.output());
    assert.match(warning, /GATEWAY_API_URL=http:\/\/127\.0\.0\.1:\d+ to use a standalone emulator/);
  });

  it('npm run emulator on a taken port exits 1 with one line saying to set EMULATOR_PORT', async () => {
    const port = await takenPort();
    const exit = await runTsScript('src/emulator/run-emulator.ts', [], {
      env: { NODE_ENV: 'test', EMULATOR_PORT: String(port) },
    });
    assert.equal(exit.code, 1);
    assert.equal(exit.stdout, '');
    assert.deepEqual(exit.stderr.trim().split('\n'), [
      `config error: EMULATOR_PORT: port ${port} on 127.0.0.1 is already in use (is npm start running? It runs its own emulator there unless GATEWAY_API_URL is set); set EMULATOR_PORT to a free port, e.g. EMULATOR_PORT=${port + 1}`,
    ]);
  });
});
