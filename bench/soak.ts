/**
 * `npm run bench:soak`: a fixed moderate rate on /auth-token (and /holdings when built) for
 * SOAK_DURATION_SECONDS (default 600), sampling the service's RSS (from /proc), heap and
 * event-loop delay (a preloaded probe) and the load generator's latency every
 * SOAK_SAMPLE_SECONDS (default 10). Reports the memory slope after warm-up and any error.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchEmulator, NO_UPSTREAM, probeHoldings, startService } from './scenarios.js';
import { createBenchContext } from './support/context.js';
import { type Launched, ROOT } from './support/launch.js';
import { type LoadResult, type LoadSample, runLoad } from './support/load.js';
import { describeMachine, envInteger } from './support/machine.js';
import { memoryOf, stopChildrenOnSignals } from './support/processes.js';
import { writeJson } from './support/report.js';
import type { Started } from './support/scenario.js';
import { slopePerMinute } from './support/stats.js';

const RESULTS_FILE = join(ROOT, 'bench', 'results', 'soak-latest.json');
const LOOP_MONITOR = join(ROOT, 'bench', 'support', 'loop-monitor.mjs');

interface ProbeSample {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  heapUsedMb: number;
}

interface SoakSample {
  elapsedSeconds: number;
  rssMb: number | undefined;
  heapUsedMb: number | undefined;
  loopDelayP99Ms: number | undefined;
  loopDelayMaxMs: number | undefined;
  authToken: LoadSample | undefined;
  holdings: LoadSample | undefined;
}

function lastProbeSample(file: string): ProbeSample | undefined {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return JSON.parse(lines[lines.length - 1] ?? '') as ProbeSample;
  } catch {
    return undefined;
  }
}

const fmt = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);

async function main(): Promise<number> {
  const durationSeconds = envInteger('SOAK_DURATION_SECONDS', 600);
  const sampleSeconds = envInteger('SOAK_SAMPLE_SECONDS', 10);
  const warmupSeconds = envInteger('SOAK_WARMUP_SECONDS', Math.min(60, Math.floor(durationSeconds / 5)));
  const authTokenRate = envInteger('SOAK_AUTH_TOKEN_RATE', 300);
  const holdingsRate = envInteger('SOAK_HOLDINGS_RATE', 100);
  const context = await createBenchContext({ warmupSeconds: 0, durationSeconds, connections: 20 });
  const probeFile = join(context.workDir, 'loop-stats.jsonl');

  let emulator: Launched | undefined;
  try {
    emulator = await launchEmulator(context);
  } catch (error) {
    process.stdout.write(`soak: no emulator, /holdings not soaked (${(error as Error).message})\n`);
  }
  let service: Started;
  try {
    service = await startService(context, {
      name: 'service-soak',
      databaseUrl: `sqlite:${context.sqlitePath}`,
      gatewayApiUrl: emulator?.origin ?? NO_UPSTREAM,
      nodeArgs: ['--import', LOOP_MONITOR],
      extraEnv: { BENCH_LOOP_STATS_FILE: probeFile, BENCH_LOOP_STATS_MS: String(sampleSeconds * 1000) },
    });
  } catch (error) {
    await emulator?.stop();
    throw error;
  }
  const origin = service.target.origin;
  const holdingsSkip = emulator ? await probeHoldings(origin, context.sessionToken) : 'no emulator';
  if (holdingsSkip) process.stdout.write(`soak: /holdings skipped: ${holdingsSkip}\n`);
  process.stdout.write(
    `soak: ${durationSeconds} s, /auth-token at ${authTokenRate}/s${holdingsSkip ? '' : `, /holdings at ${holdingsRate}/s`}, a sample every ${sampleSeconds} s (warm-up ${warmupSeconds} s)\n`,
  );

  const authorization = { authorization: `Bearer ${context.sessionToken}` };
  const latest: { authToken?: LoadSample; holdings?: LoadSample } = {};
  const samples: SoakSample[] = [];
  const startedAt = Date.now();
  const sampler = setInterval(() => {
    const probe = lastProbeSample(probeFile);
    const sample: SoakSample = {
      elapsedSeconds: Math.round((Date.now() - startedAt) / 1000),
      rssMb: memoryOf(service.target.child.pid)?.rssMb,
      heapUsedMb: probe?.heapUsedMb,
      loopDelayP99Ms: probe?.loopDelayP99Ms,
      loopDelayMaxMs: probe?.loopDelayMaxMs,
      authToken: latest.authToken,
      holdings: latest.holdings,
    };
    samples.push(sample);
    process.stdout.write(
      `${String(sample.elapsedSeconds).padStart(5)} s  rss ${fmt(sample.rssMb)} MB  heap ${fmt(sample.heapUsedMb)} MB  loop delay p99 ${fmt(sample.loopDelayP99Ms, 2)} ms  /auth-token p99 ${fmt(sample.authToken?.p99Ms, 2)} ms${holdingsSkip ? '' : `  /holdings p99 ${fmt(sample.holdings?.p99Ms, 2)} ms`}  errors ${(sample.authToken?.errors ?? 0) + (sample.authToken?.non2xx ?? 0) + (sample.holdings?.errors ?? 0) + (sample.holdings?.non2xx ?? 0)}\n`,
    );
  }, sampleSeconds * 1000);

  const base = { method: 'GET' as const, connections: 10, warmupSeconds: 0, durationSeconds, sampleSeconds };
  const loads: Array<Promise<LoadResult>> = [
    runLoad(
      {
        ...base,
        url: `${origin}/auth-token`,
        method: 'POST',
        headers: authorization,
        overallRate: authTokenRate,
      },
      context.cores.load,
      (sample) => {
        latest.authToken = sample;
      },
    ),
  ];
  if (!holdingsSkip) {
    loads.push(
      runLoad(
        { ...base, url: `${origin}/holdings`, headers: authorization, overallRate: holdingsRate },
        context.cores.load,
        (sample) => {
          latest.holdings = sample;
        },
      ),
    );
  }
  let results: LoadResult[];
  try {
    results = await Promise.all(loads);
  } finally {
    clearInterval(sampler);
    await service.stop();
    await emulator?.stop();
  }

  const afterWarmup = samples.filter((sample) => sample.elapsedSeconds >= warmupSeconds);
  const points = (pick: (sample: SoakSample) => number | undefined) =>
    afterWarmup.flatMap((sample) => {
      const value = pick(sample);
      return value === undefined ? [] : [[sample.elapsedSeconds, value] as const];
    });
  const [authToken, holdings] = results;
  const errorCount = results.reduce((sum, result) => sum + result.errors + result.non2xx, 0);
  const summary = {
    rssSlopeMbPerMinute: slopePerMinute(points((sample) => sample.rssMb)),
    heapSlopeMbPerMinute: slopePerMinute(points((sample) => sample.heapUsedMb)),
    peakRssMb: Math.max(...samples.map((sample) => sample.rssMb ?? 0)),
    worstLoopDelayP99Ms: Math.max(...samples.map((sample) => sample.loopDelayP99Ms ?? 0)),
    authToken,
    holdings: holdings ?? { skipped: holdingsSkip },
    errors: errorCount,
  };
  process.stdout.write(
    `\nmemory slope after ${warmupSeconds} s: RSS ${fmt(summary.rssSlopeMbPerMinute, 3)} MB/min, heap ${fmt(summary.heapSlopeMbPerMinute, 3)} MB/min; peak RSS ${fmt(summary.peakRssMb)} MB; worst 10 s event-loop delay p99 ${fmt(summary.worstLoopDelayP99Ms, 2)} ms\n` +
      `/auth-token: ${authToken?.totalRequests} requests, p50 ${fmt(authToken?.p50Ms, 2)} ms, p99 ${fmt(authToken?.p99Ms, 2)} ms\n` +
      (holdings
        ? `/holdings: ${holdings.totalRequests} requests, p50 ${fmt(holdings.p50Ms, 2)} ms, p99 ${fmt(holdings.p99Ms, 2)} ms\n`
        : '') +
      `errors (socket errors + non-2xx): ${errorCount}\n`,
  );
  writeJson(RESULTS_FILE, {
    finishedAt: new Date().toISOString(),
    machine: describeMachine(),
    settings: { durationSeconds, sampleSeconds, warmupSeconds, authTokenRate, holdingsRate },
    summary,
    samples,
  });
  process.stdout.write(`JSON: ${RESULTS_FILE}\n`);
  if (errorCount === 0) rmSync(context.workDir, { recursive: true, force: true });
  else process.stdout.write(`process logs kept in ${context.workDir}\n`);
  return errorCount === 0 ? 0 : 1;
}

stopChildrenOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
