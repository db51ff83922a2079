import { type ChildProcess, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../support/spawn-service.js';
import type { ServiceEntry } from './service-entry.js';

// Start-up may wait on PostgreSQL (the service retries the store for 30 s) and on the other instances' migrations.
const READY_TIMEOUT_MS = 45_000;
const KILL_WAIT_MS = 5000;
const KEPT_OUTPUT_CHARS = 4000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ClusterInstance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** The end of what the process wrote, for failure messages. */
  outputTail(): string;
  isRunning(): boolean;
  /** SIGKILL (no graceful shutdown) and wait for the exit, bounded. */
  kill(): Promise<Exit | undefined>;
}

export interface InstanceOptions {
  readonly name: string;
  readonly entry: ServiceEntry;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly logSink: Writable;
}

/**
 * Starts one instance of the service on a free loopback port with exactly `env` (plus PATH and
 * HOME), copying its output into `logSink`, and resolves once `/readyz` answers 200. A port
 * taken between choosing and binding it is retried on another port, twice at most.
 */
export async function startInstance(options: InstanceOptions): Promise<ClusterInstance> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(options: InstanceOptions, port: number): Promise<ClusterInstance> {
  const child = spawn(process.execPath, [...options.entry.args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...options.env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  // Whole lines only, so that the log leak check never sees a secret cut in two.
  const pending = { stdout: '', stderr: '' };
  const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = pending[stream] + chunk.toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end > 0) options.logSink.write(text.slice(0, end));
    pending[stream] = text.slice(end);
    tail = (tail + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout?.on('data', keep('stdout'));
  child.stderr?.on('data', keep('stderr'));
  child.once('close', () => {
    for (const rest of Object.values(pending)) if (rest) options.logSink.write(`${rest}\n`);
  });
  // Should the test process end without its clean-up running, the instance must not outlive it.
  const killWithTestProcess = () => child.kill('SIGKILL');
  process.once('exit', killWithTestProcess);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killWithTestProcess);
      resolve({ code, signal });
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const instance: ClusterInstance = {
    name: options.name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    outputTail: () => tail,
    isRunning,
    async kill() {
      if (isRunning()) child.kill('SIGKILL');
      return Promise.race([exited, delay(KILL_WAIT_MS, undefined, { ref: false })]);
    },
  };
  try {
    await waitUntilReady(instance);
  } catch (error) {
    await instance.kill();
    throw error;
  }
  return instance;
}

async function waitUntilReady(instance: ClusterInstance): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && instance.isRunning()) {
    const status = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 0,
    );
    if (status === 200) return;
    await delay(100);
  }
  const why = instance.isRunning() ? `not ready within ${READY_TIMEOUT_MS} ms` : 'exited during start-up';
  throw new Error(`instance ${instance.name} ${why}:\n${instance.outputTail()}`);
}
