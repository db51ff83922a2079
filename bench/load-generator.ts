/**
 * The load generator, run as its own process (pinned to its own cores) by the harness.
 * Argument: a JSON {@link LoadSpec}. Prints JSON lines on stdout: a `sample` per window when
 * `sampleSeconds` is set, then one `result`. Latencies come from autocannon's per-response
 * times in microseconds: its own histogram has whole-millisecond resolution, too coarse here.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { LoadResult, LoadSample, LoadSpec } from './support/load.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;

function options(durationSeconds: number): autocannon.Options {
  return {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    connections: spec.connections,
    duration: durationSeconds,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  };
}

const ms = (histogram: RecordableHistogram, percentile: number) =>
  histogram.count > 0 ? histogram.percentile(percentile) / 1000 : Number.NaN;

function emit(line: LoadSample | { kind: 'measuring' } | { kind: 'result'; result: LoadResult }): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  if (spec.warmupSeconds > 0) await autocannon(options(spec.warmupSeconds));
  emit({ kind: 'measuring' });
  const latencies = createHistogram();
  const window = { latencies: createHistogram(), non2xx: 0, errors: 0, startedAt: Date.now() };
  const instance = autocannon(options(spec.durationSeconds));
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) {
      window.non2xx += 1;
      return;
    }
    const micros = Math.max(1, Math.round(responseTime * 1000));
    latencies.record(micros);
    window.latencies.record(micros);
  });
  instance.on('reqError', () => {
    window.errors += 1;
  });
  const sampler = spec.sampleSeconds
    ? setInterval(() => {
        emit({
          kind: 'sample',
          at: Date.now(),
          requests: window.latencies.count,
          p50Ms: ms(window.latencies, 50),
          p99Ms: ms(window.latencies, 99),
          maxMs: window.latencies.count > 0 ? window.latencies.max / 1000 : Number.NaN,
          non2xx: window.non2xx,
          errors: window.errors,
        });
        window.latencies.reset();
        window.non2xx = 0;
        window.errors = 0;
      }, spec.sampleSeconds * 1000)
    : undefined;
  const result = await instance;
  clearInterval(sampler);
  const statusCounts: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[code] = Number(count);
  }
  emit({
    kind: 'result',
    result: {
      requestsPerSecond: result.requests.average,
      totalRequests: result.requests.total,
      durationSeconds: result.duration,
      p50Ms: ms(latencies, 50),
      p99Ms: ms(latencies, 99),
      maxMs: latencies.count > 0 ? latencies.max / 1000 : Number.NaN,
      autocannonP99Ms: result.latency.p99,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCounts,
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`load generator failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
