import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { testEnv } from './test-app.js';

export interface SpawnedService {
  readonly port: number;
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if it is still running and waits for it. */
  kill(): Promise<void>;
}

/** A port that was free a moment ago, for a child process that cannot report port 0 back. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts the real entry point (`src/main.ts` through tsx) with the test environment plus `env`,
 * and resolves once `/readyz` answers 200. Only PATH and HOME are inherited.
 */
export async function spawnService(env: NodeJS.ProcessEnv = {}): Promise<SpawnedService> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...testEnv({ HOST: '127.0.0.1', PORT: String(port), ...env }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const service: SpawnedService = {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  await waitUntilReady(service);
  return service;
}

async function waitUntilReady(service: SpawnedService): Promise<void> {
  let running = true;
  void service.exited.then(() => {
    running = false;
  });
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && running; await delay(100)) {
    const status = await fetch(`${service.baseUrl}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
  }
  await service.kill();
  throw new Error(`service did not become ready:\n${service.output().slice(-2000)}`);
}
