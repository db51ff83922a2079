import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadResult } from './load.js';

export type ScenarioStatus = 'ok' | 'skipped' | 'error';

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly status: ScenarioStatus;
  readonly message?: string;
  /** Id of the scenario this one is compared with. */
  readonly baselineId?: string;
  /** Id of the Express-only reference doing the same work. */
  readonly frameworkId?: string;
  readonly max?: LoadResult;
  /** The same target at half the measured maximum rate. */
  readonly halfRate?: LoadResult & { readonly rate: number };
  readonly peakRssMb?: number;
  readonly readyMs?: number;
  /** Server CPU time (user + system) per request during the measured run. */
  readonly cpuMicrosPerRequest?: number;
  readonly ratioToBaseline?: number;
  /** Baseline CPU per request divided by this one's: robust when other work shares the machine. */
  readonly cpuRatioToBaseline?: number;
  readonly p50DeltaMs?: number;
  /** Requests/s relative to the Express-only reference. */
  readonly ratioToFramework?: number;
  /** The reference's CPU per request divided by this one's. */
  readonly cpuRatioToFramework?: number;
}

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);

function ratiosTo(result: ScenarioResult, reference: ScenarioResult | undefined) {
  if (!result.max || !reference?.max) return undefined;
  return {
    requests: result.max.requestsPerSecond / reference.max.requestsPerSecond,
    cpu:
      result.cpuMicrosPerRequest && reference.cpuMicrosPerRequest
        ? reference.cpuMicrosPerRequest / result.cpuMicrosPerRequest
        : undefined,
    p50DeltaMs: result.max.p50Ms - reference.max.p50Ms,
  };
}

/** Fills in ratios once every scenario has run. */
export function withRatios(results: readonly ScenarioResult[]): ScenarioResult[] {
  const byId = new Map(results.map((result) => [result.id, result]));
  return results.map((result) => {
    const toBaseline = ratiosTo(result, result.baselineId ? byId.get(result.baselineId) : undefined);
    const toFramework = ratiosTo(result, result.frameworkId ? byId.get(result.frameworkId) : undefined);
    return {
      ...result,
      ...(toBaseline
        ? {
            ratioToBaseline: toBaseline.requests,
            p50DeltaMs: toBaseline.p50DeltaMs,
            ...(toBaseline.cpu === undefined ? {} : { cpuRatioToBaseline: toBaseline.cpu }),
          }
        : {}),
      ...(toFramework
        ? {
            ratioToFramework: toFramework.requests,
            ...(toFramework.cpu === undefined ? {} : { cpuRatioToFramework: toFramework.cpu }),
          }
        : {}),
    };
  });
}

const ratioCell = (requests: number | undefined, cpu: number | undefined) =>
  requests === undefined ? '-' : `${fixed(requests, 2)} (${fixed(cpu, 2)})`;

// Above this, the generator itself fell behind the pace and the latency is not the server's.
const GENERATOR_LAG_LIMIT_MS = 5;

function halfRateCell(halfRate: ScenarioResult['halfRate']): string {
  if (!halfRate) return '-';
  const lagging = (halfRate.dispatchLagP99Ms ?? 0) > GENERATOR_LAG_LIMIT_MS ? ', generator lagging' : '';
  return `${fixed(halfRate.p99Ms, 2)} (at ${halfRate.rate}/s${lagging})`;
}

/** A Markdown table, so that the output pastes into docs/performance.md as it is. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'p99 ms at half max',
    'peak RSS MB',
    'ready ms',
    'CPU µs/req',
    'ratio req/s (CPU)',
    'baseline',
    'vs express-limit req/s (CPU)',
  ];
  const rows = results.map((result) =>
    result.status !== 'ok'
      ? [result.id, `${result.status}: ${result.message ?? ''}`, '', '', '', '', '', '', '', '', '']
      : [
          result.id,
          fixed(result.max?.requestsPerSecond, 0),
          fixed(result.max?.p50Ms, 2),
          fixed(result.max?.p99Ms, 2),
          halfRateCell(result.halfRate),
          fixed(result.peakRssMb, 0),
          fixed(result.readyMs, 0),
          fixed(result.cpuMicrosPerRequest, 0),
          ratioCell(result.ratioToBaseline, result.cpuRatioToBaseline),
          result.baselineId ?? '-',
          ratioCell(result.ratioToFramework, result.cpuRatioToFramework),
        ],
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const separator = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), separator, ...rows.map(line)].join('\n');
}

export function writeJson(path: string, report: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
