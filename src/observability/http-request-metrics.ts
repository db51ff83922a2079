import { Counter, Histogram, type Registry } from 'prom-client';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface Series {
  pending: number;
  readonly counterLabels: { method: string; route: string; status: string };
  readonly histogramLabels: { method: string; route: string; status_class: string };
}

export type HttpRequestRecorder = (method: string, route: string, status: number, seconds: number) => void;

/**
 * Request counter and latency histogram. This runs once per request on the hot path, so label
 * objects are made once per series and counts are folded into the counter at scrape time
 * (prom-client's `collect` hook) instead of going through `inc` per request.
 */
export function createHttpRequestMetrics(prefix: string, registry: Registry): HttpRequestRecorder {
  const series = new Map<string, Series>();
  const requests: Counter<'method' | 'route' | 'status'> = new Counter({
    name: `${prefix}http_requests_total`,
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      for (const entry of series.values()) {
        if (entry.pending === 0) continue;
        requests.inc(entry.counterLabels, entry.pending);
        entry.pending = 0;
      }
    },
  });
  const duration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'Time from request arrival to the last byte of the response, by method, route template and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });

  return (rawMethod, route, status, seconds) => {
    const method = KNOWN_METHODS.has(rawMethod) ? rawMethod : 'OTHER';
    const key = `${method} ${route} ${status}`;
    let entry = series.get(key);
    if (entry === undefined) {
      entry = {
        pending: 0,
        counterLabels: { method, route, status: String(status) },
        histogramLabels: { method, route, status_class: `${Math.trunc(status / 100)}xx` },
      };
      series.set(key, entry);
    }
    entry.pending += 1;
    duration.observe(entry.histogramLabels, seconds);
  };
}
