import { createHistogram, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { LoadSpec } from './load.js';
import type { Recorder } from './recorder.js';

const TICK_MS = 1;
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Open-loop load at a fixed rate, requests evenly spaced in time. autocannon's `overallRate`
 * sends each second's quota in a burst at the start of the second, which measures the burst,
 * not the rate. Latency counts from the moment a request was due, so a client-side queue
 * (all connections busy) shows up in it instead of hiding (no coordinated omission). How late
 * requests left this process is returned too: a large lag means the generator, not the server,
 * could not keep the pace.
 */
export async function runPaced(
  spec: LoadSpec & { overallRate: number },
  seconds: number,
  recorder: Recorder | undefined,
): Promise<{ completed: number; elapsedSeconds: number; dispatchLagP99Ms: number }> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.connections, pipelining: 1 });
  const path = `${url.pathname}${url.search}`;
  const inFlight = new Set<Promise<void>>();
  let completed = 0;
  const lag = createHistogram();
  const fire = (dueAt: number) => {
    lag.record(Math.max(1, Math.round((performance.now() - dueAt) * 1000)));
    const request = pool
      .request({ path, method: spec.method, headers: spec.headers })
      .then(
        async ({ statusCode, body }) => {
          await body.dump();
          completed += 1;
          recorder?.response(statusCode, performance.now() - dueAt);
        },
        () => recorder?.error(),
      )
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const startedAt = performance.now();
  const endAt = startedAt + seconds * 1000;
  const intervalMs = 1000 / spec.overallRate;
  let sent = 0;
  while (performance.now() < endAt) {
    const due = Math.min(
      Math.floor((performance.now() - startedAt) / intervalMs) + 1,
      seconds * spec.overallRate,
    );
    for (; sent < due; sent += 1) fire(startedAt + sent * intervalMs);
    await sleep(TICK_MS);
  }
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  await Promise.race([Promise.all(inFlight), sleep(DRAIN_TIMEOUT_MS)]);
  await pool.destroy();
  return { completed, elapsedSeconds, dispatchLagP99Ms: lag.percentile(99) / 1000 };
}
