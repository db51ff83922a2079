import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Cores for the server side and the load generator; undefined when `taskset` is missing or one core only. */
export interface CorePlan {
  readonly server: string | undefined;
  readonly load: string | undefined;
}

export function planCores(): CorePlan {
  const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  const cores = Number(spawnSync('nproc', [], { encoding: 'utf8' }).stdout.trim()) || 1;
  if (!hasTaskset || cores < 2) return { server: undefined, load: undefined };
  return {
    server: process.env.BENCH_SERVER_CPUS ?? '0',
    load: process.env.BENCH_LOAD_CPUS ?? `1-${cores - 1}`,
  };
}

export interface SpawnOptions {
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cpus: string | undefined;
  readonly cwd?: string;
  /** stdout and stderr go to this file (the service logs there); ignored when absent. */
  readonly logFile?: string;
}

const running = new Set<ChildProcess>();

/** Remembers a child so that an interrupted run does not leave servers behind. */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** On Ctrl-C or SIGTERM, stop every tracked child before exiting. */
export function stopChildrenOnSignals(): void {
  const stopAll = (signal: NodeJS.Signals) => {
    for (const child of running) child.kill('SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
}

/** Starts `node <args>` pinned to `cpus` with `taskset` when given. */
export function spawnNode(options: SpawnOptions): ChildProcess {
  const command = options.cpus ? 'taskset' : process.execPath;
  const args = options.cpus ? ['-c', options.cpus, process.execPath, ...options.args] : [...options.args];
  const output = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
  return track(
    spawn(command, args, {
      env: options.env,
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', output, output],
    }),
  );
}

/** A free loopback port (tiny race between closing and the child binding it; fine for a benchmark). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls `url` until it answers 200; returns the milliseconds since `startedAt`. */
export async function waitUntilReady(
  url: string,
  child: ChildProcess,
  startedAt: number,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<number> {
  while (performance.now() - startedAt < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode} before ready`);
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(500) });
      await response.arrayBuffer();
      if (response.ok) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  throw new Error(`not ready within ${timeoutMs} ms: ${url}`);
}

/** Resident set size now and at its peak (VmHWM), in MB, from /proc; undefined off Linux. */
export function memoryOf(pid: number | undefined): { rssMb: number; peakRssMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** User + system CPU time used so far by `pid`, in milliseconds, from /proc; undefined off Linux. */
export function cpuTimeMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}
