import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { areaOf, summarizeProfile } from '../../bench/support/cpu-profile.js';
import type { LoadResult } from '../../bench/support/load.js';
import { formatTable, type ScenarioResult, withRatios } from '../../bench/support/report.js';
import { slopePerMinute } from '../../bench/support/stats.js';

function load(requestsPerSecond: number, p50Ms: number): LoadResult {
  return {
    requestsPerSecond,
    totalRequests: requestsPerSecond * 10,
    durationSeconds: 10,
    p50Ms,
    p99Ms: p50Ms * 3,
    maxMs: p50Ms * 10,
    autocannonP99Ms: p50Ms * 3,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    statusCounts: { '200': requestsPerSecond * 10 },
  };
}

describe('bench report', () => {
  it('compares a scenario with its baseline by throughput, CPU per request and p50', () => {
    const results: ScenarioResult[] = [
      { id: 'limit', title: 'limit', status: 'ok', max: load(20_000, 1), cpuMicrosPerRequest: 50 },
      {
        id: 'service',
        title: 'service',
        status: 'ok',
        baselineId: 'limit',
        max: load(8000, 1.5),
        cpuMicrosPerRequest: 125,
      },
    ];
    const [limit, service] = withRatios(results);
    assert.equal(limit?.ratioToBaseline, undefined);
    assert.equal(service?.ratioToBaseline, 0.4);
    assert.equal(service?.cpuRatioToBaseline, 0.4);
    assert.equal(service?.p50DeltaMs, 0.5);
  });

  it('also compares a scenario with its Express-only reference, in its own column', () => {
    const results = withRatios([
      { id: 'bare-limit', title: 'limit', status: 'ok', max: load(10_000, 1), cpuMicrosPerRequest: 80 },
      { id: 'express-limit', title: 'express', status: 'ok', max: load(5000, 1), cpuMicrosPerRequest: 200 },
      {
        id: 'auth-token',
        title: 'service',
        status: 'ok',
        baselineId: 'bare-limit',
        frameworkId: 'express-limit',
        max: load(4000, 2),
        cpuMicrosPerRequest: 250,
      },
    ]);
    const service = results[2];
    assert.equal(service?.ratioToBaseline, 0.4);
    assert.equal(service?.ratioToFramework, 0.8);
    assert.equal(service?.cpuRatioToFramework, 0.8);
    const row = formatTable(results).split('\n')[4] ?? '';
    assert.match(row, /\| 0\.40 \(0\.32\) +\| bare-limit +\| 0\.80 \(0\.80\) +\|$/);
  });

  it('prints skipped scenarios as rows with their reason, and no ratio against a skipped baseline', () => {
    const results = withRatios([
      { id: 'emulator-direct', title: 'direct', status: 'skipped', message: 'emulator not built' },
      { id: 'holdings', title: 'via', status: 'ok', baselineId: 'emulator-direct', max: load(1000, 2) },
    ]);
    const table = formatTable(results);
    const lines = table.split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[2] ?? '', /^\| emulator-direct +\| skipped: emulator not built/);
    assert.equal(results[1]?.ratioToBaseline, undefined);
    for (const line of lines) assert.equal(line.split('|').length, lines[0]?.split('|').length);
  });
});

describe('soak memory slope', () => {
  it('is the least-squares slope per minute', () => {
    const growing = [0, 10, 20, 30].map((seconds) => [seconds, 100 + seconds / 10] as const);
    assert.ok(Math.abs((slopePerMinute(growing) ?? 0) - 6) < 1e-9);
    assert.equal(slopePerMinute(growing.slice(0, 2)), undefined);
  });
});

describe('CPU profile summary', () => {
  it('sorts frames into packages, Node built-ins, the service and V8 pseudo frames', () => {
    assert.equal(areaOf('file:///app/node_modules/@pinojs/redact/index.js', 'redact'), 'pkg:@pinojs/redact');
    assert.equal(areaOf('node:internal/crypto/hash', 'Hmac'), 'node:crypto/hash');
    assert.equal(areaOf('file:///app/dist/tokens/token-minter.js', 'mint'), 'service:tokens/token-minter');
    assert.equal(areaOf('', '(garbage collector)'), '(garbage collector)');
  });

  it('charges time to the innermost Express middleware on the stack', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const layer = 'file:///app/node_modules/router/lib/layer.js';
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2] },
        { id: 2, callFrame: frame('handleRequest', layer), children: [3] },
        {
          id: 3,
          callFrame: frame('helmetMiddleware', 'file:///app/node_modules/helmet/index.mjs'),
          children: [4, 6],
        },
        { id: 4, callFrame: frame('handleRequest', layer), children: [5] },
        { id: 5, callFrame: frame('handler', 'file:///app/dist/http/routes/auth-token.routes.js') },
        { id: 6, callFrame: frame('setHeader', 'node:_http_outgoing') },
      ],
      samples: [5, 5, 6, 1],
      timeDeltas: [1000, 1000, 1000, 1000],
    };
    const summary = summarizeProfile(profile);
    assert.equal(summary.totalMs, 4);
    const byName = new Map(summary.byMiddleware.map((row) => [row.middleware.split(' ')[0], row.ms]));
    assert.equal(byName.get('handler'), 2);
    assert.equal(byName.get('helmetMiddleware'), 1);
    assert.equal(byName.get('outside:'), 1);
  });
});
