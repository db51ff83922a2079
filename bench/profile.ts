/**
 * `npm run bench:profile`: runs the built service under `node --cpu-prof`, drives /auth-token at
 * full speed, and summarises where the CPU time went. The raw profile is kept in
 * bench/results/ (open it in Chrome DevTools or speedscope).
 */

import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { authTokenSqlite, startService } from './scenarios.js';
import { createBenchContext } from './support/context.js';
import { summarizeProfile } from './support/cpu-profile.js';
import { ROOT } from './support/launch.js';
import { runLoad } from './support/load.js';
import { envInteger } from './support/machine.js';
import { stopChildrenOnSignals } from './support/processes.js';
import { writeJson } from './support/report.js';

const RESULTS_DIR = join(ROOT, 'bench', 'results');
const pad = (value: string, width: number) => value.padEnd(width);

async function main(): Promise<void> {
  const context = await createBenchContext({
    warmupSeconds: envInteger('BENCH_WARMUP_SECONDS', 2),
    durationSeconds: envInteger('BENCH_DURATION_SECONDS', 10),
    connections: envInteger('BENCH_CONNECTIONS', 50),
  });
  const profileDir = join(context.workDir, 'profile');
  const started = await startService(context, {
    name: 'service-profile',
    databaseUrl: `sqlite:${context.sqlitePath}`,
    gatewayApiUrl: 'http://127.0.0.1:9',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  let requestsPerSecond: number;
  let requests: number;
  try {
    const request = authTokenSqlite.request(context, started);
    const result = await runLoad(
      {
        url: `${started.target.origin}${request.path}`,
        method: request.method,
        headers: request.headers,
        connections: context.settings.connections,
        warmupSeconds: context.settings.warmupSeconds,
        durationSeconds: context.settings.durationSeconds,
      },
      context.cores.load,
    );
    requestsPerSecond = result.requestsPerSecond;
    // The profile spans the warm-up too; count its requests at the measured rate.
    const { warmupSeconds, durationSeconds } = context.settings;
    requests = result.totalRequests * ((warmupSeconds + durationSeconds) / durationSeconds);
  } finally {
    await started.stop();
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the service wrote no CPU profile');
  const kept = join(RESULTS_DIR, 'auth-token-latest.cpuprofile');
  copyFileSync(join(profileDir, file), kept);
  const summary = summarizeProfile(JSON.parse(readFileSync(kept, 'utf8')));
  const perRequest = (ms: number) => `${((ms * 1000) / requests).toFixed(1).padStart(6)} µs/req`;
  const lines = [
    `/auth-token under --cpu-prof: ${Math.round(requestsPerSecond)} req/s; ${Math.round(summary.totalMs)} ms profiled (start-up and idle included)`,
    '',
    'self time by area:',
    ...summary.selfByArea.map(
      (row) => `  ${pad(row.area, 40)} ${row.percent.toFixed(1).padStart(5)} %  ${perRequest(row.ms)}`,
    ),
    '',
    'inclusive time by area (a sample counts for every area on its stack):',
    ...summary.inclusiveByArea.map((row) => `  ${pad(row.area, 40)} ${row.percent.toFixed(1).padStart(5)} %`),
    '',
    'by innermost Express middleware on the stack (its own work and callees, not the middleware after it):',
    ...summary.byMiddleware.map(
      (row) => `  ${row.percent.toFixed(1).padStart(5)} %  ${perRequest(row.ms)}  ${row.middleware}`,
    ),
    '',
    'top functions by self time:',
    ...summary.topSelf.map((row) => `  ${row.percent.toFixed(1).padStart(5)} %  ${row.name}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n\nprofile: ${kept}\n`);
  writeJson(join(RESULTS_DIR, 'profile-latest.json'), { requestsPerSecond, requests, ...summary });
  rmSync(context.workDir, { recursive: true, force: true });
}

stopChildrenOnSignals();
main().catch((error: unknown) => {
  process.stderr.write(
    `profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
