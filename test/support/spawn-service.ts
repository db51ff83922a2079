import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { testEnv } from './test-app.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx by absolute URL: `--import tsx` would be resolved from the child's working directory. */
export const TSX_LOADER = import.meta.resolve('tsx');

/** Node arguments that run a TypeScript file of this repository from any working directory. */
export function tsEntry(relativePath: string): string[] {
  return ['--import', TSX_LOADER, join(REPO_ROOT, relativePath)];
}

export interface SpawnedProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if it is still running and waits for it. */
  kill(): Promise<void>;
  /** Sends SIGTERM, as an operator or Ctrl-C would, and waits for the process to end. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnedService extends SpawnedProcess {
  readonly port: number;
  readonly baseUrl: string;
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

export interface SpawnOptions {
  /**
   * Working directory (where `.env`, `./data/` and relative SQLite paths are): by default a fresh
   * temporary folder, removed after the process ends, so no test reads or writes the repository's.
   */
  readonly cwd?: string;
  /** Start from `env` alone (plus PATH and HOME), not from the test environment: a newcomer's `npm start`. */
  readonly bare?: boolean;
  /** Listen port; a free one by default. */
  readonly port?: number;
}

/**
 * Starts a long-running TypeScript entry point of this repository with only `env` (plus PATH and
 * HOME) in `cwd`, by default a fresh temporary folder removed once the process has ended.
 */
export function spawnTs(
  relativePath: string,
  options: { env: NodeJS.ProcessEnv; cwd?: string | undefined },
): SpawnedProcess {
  const ownDir = options.cwd === undefined ? mkdtempSync(join(tmpdir(), 'gts-process-')) : undefined;
  const child = spawn(process.execPath, tsEntry(relativePath), {
    cwd: options.cwd ?? ownDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
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
    child.once('exit', (code, signal) => {
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => output,
    exited,
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    stop() {
      if (running()) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Starts the real entry point (`src/main.ts` through tsx) with the test environment plus `env`
 * (or `env` alone with `bare`), and resolves once `/readyz` answers 200.
 */
export async function spawnService(
  env: NodeJS.ProcessEnv = {},
  options: SpawnOptions = {},
): Promise<SpawnedService> {
  const port = options.port ?? (await freePort());
  const listenEnv = { HOST: '127.0.0.1', PORT: String(port), ...env };
  const service: SpawnedService = {
    ...spawnTs('src/main.ts', { env: options.bare ? listenEnv : testEnv(listenEnv), cwd: options.cwd }),
    port,
    baseUrl: `http://127.0.0.1:${port}`,
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

export interface ScriptExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript script of this repository to its end with only `env` (plus PATH), in `cwd`:
 * by default a fresh temporary folder, so the repository's `.env` and `./data/` stay out of it.
 */
export async function runTsScript(
  relativePath: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ScriptExit> {
  const ownDir = options.cwd === undefined ? mkdtempSync(join(tmpdir(), 'gts-script-')) : undefined;
  try {
    return await new Promise<ScriptExit>((resolve) => {
      execFile(
        process.execPath,
        [...tsEntry(relativePath), ...args],
        {
          cwd: options.cwd ?? ownDir,
          env: { PATH: process.env.PATH, ...options.env },
          timeout: options.timeoutMs ?? 30_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  } finally {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}
