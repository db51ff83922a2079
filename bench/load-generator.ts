/**
 * The load generator, run as its own process (pinned to its own cores) by the harness.
 * Argument: a JSON {@link LoadSpec}. Prints JSON lines on stdout: `measuring` when the warm-up
 * is over, a `sample` per window when `sampleSeconds` is set, then one `result`.
 * Without a rate: autocannon, as fast as the server goes. With `overallRate`: evenly paced
 * requests (see paced-load.ts). Latencies have microsecond resolution either way (autocannon's
 * own histogram has whole milliseconds, too coarse here).
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSample, LoadSpec } from './support/load.js';
import { runPaced } from './support/paced-load.js';
import { createRecorder, type Recorder } from './support/recorder.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;

function emit(line: LoadSample | { kind: 'measuring' } | { kind: 'result'; result: LoadResult }): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function options(durationSeconds: number): autocannon.Options {
  return {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    connections: spec.connections,
    duration: durationSeconds,
  };
}

async function flatOut(recorder: Recorder): Promise<Omit<LoadResult, 'p50Ms' | 'p99Ms' | 'maxMs'>> {
  if (spec.warmupSeconds > 0) await autocannon(options(spec.warmupSeconds));
  emit({ kind: 'measuring' });
  const instance = autocannon(options(spec.durationSeconds));
  instance.on('response', (_client, statusCode, _bytes, responseTime) =>
    recorder.response(statusCode, responseTime),
  );
  instance.on('reqError', () => recorder.error());
  const result = await instance;
  return {
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    durationSeconds: result.duration,
    autocannonP99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCounts: recorder.statusCounts,
  };
}

async function paced(
  recorder: Recorder,
  overallRate: number,
): Promise<Omit<LoadResult, 'p50Ms' | 'p99Ms' | 'maxMs'>> {
  const pacedSpec = { ...spec, overallRate };
  if (spec.warmupSeconds > 0) await runPaced(pacedSpec, spec.warmupSeconds, undefined);
  emit({ kind: 'measuring' });
  const { completed, elapsedSeconds, dispatchLagP99Ms } = await runPaced(
    pacedSpec,
    spec.durationSeconds,
    recorder,
  );
  return {
    requestsPerSecond: completed / elapsedSeconds,
    totalRequests: completed,
    durationSeconds: elapsedSeconds,
    autocannonP99Ms: Number.NaN,
    dispatchLagP99Ms,
    errors: recorder.totals.errors,
    timeouts: 0,
    non2xx: recorder.totals.non2xx,
    statusCounts: recorder.statusCounts,
  };
}

async function main(): Promise<void> {
  const recorder = createRecorder();
  const sampler = spec.sampleSeconds
    ? setInterval(() => emit(recorder.takeSample()), spec.sampleSeconds * 1000)
    : undefined;
  const partial = spec.overallRate ? await paced(recorder, spec.overallRate) : await flatOut(recorder);
  clearInterval(sampler);
  emit({
    kind: 'result',
    result: { ...partial, p50Ms: recorder.p50Ms(), p99Ms: recorder.p99Ms(), maxMs: recorder.maxMs() },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`load generator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
