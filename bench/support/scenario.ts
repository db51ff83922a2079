import type { BenchSecrets } from './fixtures.js';
import type { Launched } from './launch.js';
import { type LoadSpec, runLoad } from './load.js';
import type { BenchUser } from './prepare.js';
import { type CorePlan, cpuTimeMs } from './processes.js';
import type { ScenarioResult } from './report.js';

export interface BenchSettings {
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly connections: number;
}

export interface BenchContext {
  readonly workDir: string;
  readonly secrets: BenchSecrets;
  readonly cores: CorePlan;
  readonly settings: BenchSettings;
  readonly sqlitePath: string;
  readonly user: BenchUser;
  readonly sessionToken: string;
}

export interface Started {
  /** The process under measurement (its RSS and start-up time are reported). */
  readonly target: Launched;
  /** Everything to stop afterwards, the target included. */
  stop(): Promise<void>;
}

export interface TargetRequest {
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly baselineId?: string;
  /** The Express-only reference doing the same work (`express-limit`), when there is one. */
  readonly frameworkId?: string;
  /** Also measure latency at half the measured maximum rate. */
  readonly halfRate: boolean;
  /** A reason to skip (e.g. no database configured), checked before starting anything. */
  skipReason?(context: BenchContext): string | undefined;
  /** Failing to start is reported as a skip (optional parts still being built) instead of an error. */
  readonly skipWhenStartFails?: boolean;
  start(context: BenchContext): Promise<Started>;
  /** One request before the load; a returned reason skips the scenario (a route not built yet). */
  probe?(context: BenchContext, started: Started): Promise<string | undefined>;
  request(context: BenchContext, started: Started): TargetRequest;
}

function loadSpec(context: BenchContext, started: Started, request: TargetRequest): LoadSpec {
  return {
    url: `${started.target.origin}${request.path}`,
    method: request.method,
    headers: request.headers,
    connections: context.settings.connections,
    warmupSeconds: context.settings.warmupSeconds,
    durationSeconds: context.settings.durationSeconds,
  };
}

function failures(result: { errors: number; non2xx: number; statusCounts: Record<string, number> }) {
  if (result.errors === 0 && result.non2xx === 0) return undefined;
  return `${result.errors} socket errors, ${result.non2xx} non-2xx (status counts ${JSON.stringify(result.statusCounts)})`;
}

/** Starts the scenario's processes, drives load at full speed and at half of it, stops everything. */
export async function runScenario(context: BenchContext, scenario: Scenario): Promise<ScenarioResult> {
  const base = {
    id: scenario.id,
    title: scenario.title,
    ...(scenario.baselineId ? { baselineId: scenario.baselineId } : {}),
    ...(scenario.frameworkId ? { frameworkId: scenario.frameworkId } : {}),
  };
  const skipReason = scenario.skipReason?.(context);
  if (skipReason) return { ...base, status: 'skipped', message: skipReason };
  let started: Started;
  try {
    started = await scenario.start(context);
  } catch (error) {
    const message = (error as Error).message;
    return { ...base, status: scenario.skipWhenStartFails ? 'skipped' : 'error', message };
  }
  try {
    const probeFailure = await scenario.probe?.(context, started);
    if (probeFailure) return { ...base, status: 'skipped', message: probeFailure };
    const spec = loadSpec(context, started, scenario.request(context, started));
    const pid = started.target.child.pid;
    let cpuAtStart: number | undefined;
    const max = await runLoad(spec, context.cores.load, undefined, () => {
      cpuAtStart = cpuTimeMs(pid);
    });
    const cpuAtEnd = cpuTimeMs(pid);
    const cpuMsPerRequest =
      cpuAtStart === undefined || cpuAtEnd === undefined || max.totalRequests === 0
        ? undefined
        : (cpuAtEnd - cpuAtStart) / max.totalRequests;
    const maxFailure = failures(max);
    if (maxFailure) return { ...base, status: 'error', message: maxFailure, max };
    let halfRate: ScenarioResult['halfRate'];
    if (scenario.halfRate) {
      const rate = Math.max(1, Math.floor(max.requestsPerSecond / 2));
      halfRate = { rate, ...(await runLoad({ ...spec, overallRate: rate }, context.cores.load)) };
      const halfFailure = failures(halfRate);
      if (halfFailure)
        return { ...base, status: 'error', message: `at half rate: ${halfFailure}`, max, halfRate };
    }
    const memory = started.target.memory();
    return {
      ...base,
      status: 'ok',
      max,
      ...(halfRate ? { halfRate } : {}),
      ...(memory ? { peakRssMb: memory.peakRssMb } : {}),
      ...(cpuMsPerRequest === undefined ? {} : { cpuMicrosPerRequest: cpuMsPerRequest * 1000 }),
      readyMs: started.target.readyMs,
    };
  } catch (error) {
    return { ...base, status: 'error', message: (error as Error).message };
  } finally {
    await started.stop();
  }
}
