import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { LoadSample } from './load.js';

const ms = (histogram: RecordableHistogram, percentile: number) =>
  histogram.count > 0 ? histogram.percentile(percentile) / 1000 : Number.NaN;

/** Latencies (2xx only, microsecond resolution), status counts and errors, overall and per window. */
export function createRecorder() {
  const overall = createHistogram();
  let window = createHistogram();
  const statusCounts: Record<string, number> = {};
  const totals = { non2xx: 0, errors: 0 };
  const inWindow = { non2xx: 0, errors: 0 };
  return {
    overall,
    statusCounts,
    totals,
    response(statusCode: number, latencyMs: number): void {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode < 200 || statusCode >= 300) {
        totals.non2xx += 1;
        inWindow.non2xx += 1;
        return;
      }
      const micros = Math.max(1, Math.round(latencyMs * 1000));
      overall.record(micros);
      window.record(micros);
    },
    error(): void {
      totals.errors += 1;
      inWindow.errors += 1;
    },
    /** The window since the last call, then a new window. */
    takeSample(): LoadSample {
      const sample: LoadSample = {
        kind: 'sample',
        at: Date.now(),
        requests: window.count,
        p50Ms: ms(window, 50),
        p99Ms: ms(window, 99),
        maxMs: window.count > 0 ? window.max / 1000 : Number.NaN,
        non2xx: inWindow.non2xx,
        errors: inWindow.errors,
      };
      window = createHistogram();
      inWindow.non2xx = 0;
      inWindow.errors = 0;
      return sample;
    },
    p50Ms: () => ms(overall, 50),
    p99Ms: () => ms(overall, 99),
    maxMs: () => (overall.count > 0 ? overall.max / 1000 : Number.NaN),
  };
}

export type Recorder = ReturnType<typeof createRecorder>;
