import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, memoryOf, spawnNode, stopProcess, waitUntilReady } from './processes.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Launched {
  readonly name: string;
  readonly origin: string;
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the first 200 on the readiness path. */
  readonly readyMs: number;
  readonly logFile: string;
  memory(): { rssMb: number; peakRssMb: number } | undefined;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  readonly name: string;
  /** Node arguments: flags and the script path. */
  readonly args: readonly string[];
  /** Environment without PORT; PORT is chosen here. */
  readonly env: (port: number) => NodeJS.ProcessEnv;
  readonly readyPath: string;
  readonly readyHeaders?: Record<string, string>;
  readonly cpus: string | undefined;
  readonly workDir: string;
}

/** Starts a node process on a free loopback port and waits until `readyPath` answers 200. */
export async function launch(options: LaunchOptions): Promise<Launched> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logFile = join(options.workDir, `${options.name}.log`);
  const startedAt = performance.now();
  const child = spawnNode({
    args: options.args,
    env: options.env(port),
    cpus: options.cpus,
    cwd: options.workDir,
    logFile,
  });
  try {
    const readyMs = await waitUntilReady(
      `${origin}${options.readyPath}`,
      child,
      startedAt,
      options.readyHeaders,
    );
    return {
      name: options.name,
      origin,
      child,
      readyMs,
      logFile,
      memory: () => memoryOf(child.pid),
      stop: () => stopProcess(child),
    };
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${options.name} did not start (log: ${logFile}): ${(error as Error).message}`);
  }
}

export const SERVICE_ENTRY = join(ROOT, 'dist', 'main.js');
export const EMULATOR_ENTRY = join(ROOT, 'dist', 'emulator', 'run-emulator.js');
/** tsx's loader by absolute URL, so that children started in a temp directory still find it. */
export const TSX_LOADER = import.meta.resolve('tsx');
export const BARE_SERVER_ENTRY = join(ROOT, 'bench', 'baselines', 'bare-limit-server.ts');
export const EXPRESS_SERVER_ENTRY = join(ROOT, 'bench', 'baselines', 'express-limit-server.ts');
