// Preloaded into the service by the soak run only (`node --import`): the service does not
// expose event-loop delay, so this samples it, with memory, into BENCH_LOOP_STATS_FILE.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_STATS_FILE;
if (file) {
  const RESOLUTION_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const everyMs = Number(process.env.BENCH_LOOP_STATS_MS) || 10_000;
  const mb = (bytes) => bytes / 1024 / 1024;
  // The histogram holds whole timer intervals; the delay is what exceeds the resolution.
  const lateMs = (nanoseconds) => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);
  setInterval(() => {
    const memory = process.memoryUsage();
    const sample = {
      at: Date.now(),
      loopDelayP50Ms: lateMs(delay.percentile(50)),
      loopDelayP99Ms: lateMs(delay.percentile(99)),
      loopDelayMaxMs: lateMs(delay.max),
      rssMb: mb(memory.rss),
      heapUsedMb: mb(memory.heapUsed),
      externalMb: mb(memory.external),
    };
    appendFileSync(file, `${JSON.stringify(sample)}\n`);
    delay.reset();
  }, everyMs).unref();
}
