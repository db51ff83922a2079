import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track } from './processes.js';

export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Fixed request rate for all connections together; unlimited when absent. */
  readonly overallRate?: number;
  /** Emit a {@link LoadSample} this often (soak runs). */
  readonly sampleSeconds?: number;
}

export interface LoadSample {
  readonly kind: 'sample';
  readonly at: number;
  /** 2xx responses in the window. */
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly totalRequests: number;
  readonly durationSeconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** autocannon's own p99 (whole ms; corrected for coordinated omission at a fixed rate). */
  readonly autocannonP99Ms: number;
  /** Paced runs: p99 of how late requests left the generator; above a few ms the generator was the limit. */
  readonly dispatchLagP99Ms?: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCounts: Record<string, number>;
}

const GENERATOR = fileURLToPath(new URL('../load-generator.ts', import.meta.url));

/** Runs the load generator in its own process, pinned to `cpus` with `taskset` when given. */
export function runLoad(
  spec: LoadSpec,
  cpus: string | undefined,
  onSample?: (sample: LoadSample) => void,
  onMeasuring?: () => void,
): Promise<LoadResult> {
  const nodeArgs = ['--import', import.meta.resolve('tsx'), GENERATOR, JSON.stringify(spec)];
  const [command, args] = cpus
    ? ['taskset', ['-c', cpus, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let pending = '';
    let result: LoadResult | undefined;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        const parsed = JSON.parse(line) as
          | LoadSample
          | { kind: 'measuring' }
          | { kind: 'result'; result: LoadResult };
        if (parsed.kind === 'sample') onSample?.(parsed);
        else if (parsed.kind === 'measuring') onMeasuring?.();
        else result = parsed.result;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 || result === undefined) {
        reject(new Error(`load generator exited with ${code}: ${stderr.trim().slice(0, 500)}`));
        return;
      }
      resolve(result);
    });
  });
}
