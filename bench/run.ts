/**
 * `npm run bench`: the hot paths against their physical limits, on loopback, with the load
 * generator in its own process on its own core. Speed is reported, not asserted: the exit code
 * is non-zero only when a scenario fails (errors, non-2xx answers, a process that won't start).
 */

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  authTokenPostgres,
  authTokenSqlite,
  authTokenSqliteQuietLogs,
  bareJson,
  bareLimit,
  directEmulator,
  expressLimit,
  holdingsThroughService,
} from './scenarios.js';
import { createBenchContext } from './support/context.js';
import { ROOT, SERVICE_ENTRY } from './support/launch.js';
import { currentLoadAverage, describeMachine, envInteger } from './support/machine.js';
import { linkInPostgres } from './support/prepare.js';
import { stopChildrenOnSignals } from './support/processes.js';
import { formatTable, type ScenarioResult, withRatios, writeJson } from './support/report.js';
import { runScenario, type Scenario } from './support/scenario.js';

const RESULTS_FILE = join(ROOT, 'bench', 'results', 'latest.json');

async function main(): Promise<number> {
  if (!existsSync(SERVICE_ENTRY)) {
    process.stderr.write('dist/main.js is missing: run `npm run build` first (npm run bench does)\n');
    return 1;
  }
  const context = await createBenchContext({
    warmupSeconds: envInteger('BENCH_WARMUP_SECONDS', 2),
    durationSeconds: envInteger('BENCH_DURATION_SECONDS', 10),
    connections: envInteger('BENCH_CONNECTIONS', 50),
  });
  const { user, workDir } = context;

  const postgresUrl = process.env.TEST_DATABASE_URL || undefined;
  let cleanupPostgres: (() => Promise<void>) | undefined;
  let postgresError: string | undefined;
  if (postgresUrl) {
    try {
      cleanupPostgres = await linkInPostgres(postgresUrl, user);
    } catch (error) {
      postgresError = (error as Error).message;
    }
  }

  const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());
  const scenarios: Scenario[] = [
    bareJson,
    bareLimit,
    expressLimit,
    authTokenSqlite,
    authTokenSqliteQuietLogs,
    authTokenPostgres(postgresUrl, postgresError),
    directEmulator,
    holdingsThroughService,
  ].filter((scenario) => !only || only.includes(scenario.id));
  const machine = describeMachine();
  process.stdout.write(
    `bench: ${machine.cpuModel}, ${machine.nproc} cores, node ${machine.node}, load average ${machine.loadAverage}; server cores ${context.cores.server ?? 'any'}, load cores ${context.cores.load ?? 'any'}; ${context.settings.warmupSeconds} s warm-up + ${context.settings.durationSeconds} s per run, ${context.settings.connections} connections\n`,
  );
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    process.stdout.write(`- ${scenario.id}: ${scenario.title} ... `);
    const result = await runScenario(context, scenario);
    process.stdout.write(
      result.status === 'ok'
        ? `${Math.round(result.max?.requestsPerSecond ?? 0)} req/s\n`
        : `${result.status}: ${result.message}\n`,
    );
    results.push(result);
  }
  await cleanupPostgres?.().catch(() => undefined);

  const final = withRatios(results);
  process.stdout.write(`\n${formatTable(final)}\n\nload average at the end: ${currentLoadAverage()}\n`);
  writeJson(RESULTS_FILE, {
    finishedAt: new Date().toISOString(),
    machine,
    loadAverageAtEnd: currentLoadAverage(),
    cores: context.cores,
    settings: { ...context.settings, serviceNodeArgs: process.env.BENCH_SERVICE_NODE_ARGS ?? '' },
    scenarios: final,
  });
  process.stdout.write(`\nJSON: ${RESULTS_FILE}\n`);
  const failed = final.filter((result) => result.status === 'error');
  if (final.every((result) => result.status === 'ok')) rmSync(workDir, { recursive: true, force: true });
  else process.stdout.write(`process logs kept in ${workDir}\n`);
  return failed.length === 0 ? 0 : 1;
}

stopChildrenOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
