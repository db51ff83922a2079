/**
 * Measures what the HTTP metrics middleware costs on the `/auth-token` hot path:
 * 1. in-process, the middleware's own work per request (ns), against a pass-through middleware;
 * 2. end to end, `POST /auth-token` for a linked user with and without Prometheus metrics, the
 *    server in a child process: server CPU time per request (steadier than requests/s on a
 *    busy machine) and requests/s, runs interleaved to spread machine noise.
 * Usage: node --import tsx scripts/metrics-overhead.ts [secondsPerRun=5] [rounds=3]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createSecretKey } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import autocannon from 'autocannon';
import type { Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { createApp } from '../src/app.js';
import { createServices, type Services } from '../src/composition.js';
import { loadConfig } from '../src/config/load-config.js';
import { createHttpMetrics } from '../src/http/middleware/http-metrics.js';
import { createRouteTable } from '../src/http/route-table.js';
import { createRouteTemplateResolver } from '../src/http/route-templates.js';
import { createLogger } from '../src/observability/logger.js';
import { noopMetrics, type ServiceMetrics } from '../src/observability/metrics.js';
import { createPrometheusMetrics } from '../src/observability/prometheus-metrics.js';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.js';

const PARTNER_SECRET = 'metrics-overhead-partner-secret-0123456789abcdef';
const env = {
  NODE_ENV: 'test',
  GATEWAY_NAME: 'gatewaybench',
  GATEWAY_SECRET: 'metrics-overhead-gateway-secret-0123456789abcdef',
  GATEWAY_API_SECRET: 'metrics-overhead-api-secret-0123456789abcdef',
  GATEWAY_API_URL: 'http://127.0.0.1:9',
  PARTNER_JWT_SECRET: PARTNER_SECRET,
  RATE_LIMIT_PER_MINUTE: '1000000',
  LOG_LEVEL: 'info',
};

function nsPerRequest(middleware: RequestHandler, iterations: number): number {
  const req = { method: 'POST', originalUrl: '/auth-token' } as Request;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) {
    const res = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as Response;
    middleware(req, res, () => {});
    res.emit('finish');
  }
  return Number(process.hrtime.bigint() - started) / iterations;
}

/** The service as main.ts composes it, over a temp SQLite file; `close` removes it again. */
function composedServices(metrics: ServiceMetrics): { services: Services; close(): Promise<void> } {
  const { config } = loadConfig(env);
  const dir = mkdtempSync(join(tmpdir(), 'metrics-overhead-'));
  const store = createSqliteStore(join(dir, 'store.db'));
  const services = createServices({
    config,
    logger: createLogger({ level: 'info', destination: new Writable({ write: (_c, _e, done) => done() }) }),
    store,
    gatewayBaseUrl: 'http://127.0.0.1:9',
    metrics,
  });
  return {
    services,
    async close() {
      await services.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function micro(): Promise<void> {
  const metrics = createPrometheusMetrics();
  const composed = composedServices(metrics);
  const resolve = createRouteTemplateResolver(createRouteTable(composed.services).map((route) => route.path));
  await composed.close();
  const withMetrics = createHttpMetrics(metrics.httpRequest, resolve);
  const passThrough: RequestHandler = (_req, res, next) => {
    res.once('finish', () => {});
    next();
  };
  for (const [name, middleware] of [
    ['pass-through', passThrough],
    ['http metrics', withMetrics],
  ] as const) {
    nsPerRequest(middleware, 200_000);
    console.log(`${name}: ${nsPerRequest(middleware, 1_000_000).toFixed(0)} ns per request`);
  }
}

async function serve(withPrometheus: boolean): Promise<void> {
  const composed = composedServices(withPrometheus ? createPrometheusMetrics() : noopMetrics);
  await composed.services.store.links.link({
    partnerUserId: 'bench-user',
    smallcaseAuthId: 'sc-bench',
    broker: 'kite',
    at: new Date(),
  });
  const app = createApp(composed.services);
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('message', (message) => {
    if (message === 'cpu') {
      process.send?.({ cpu: process.cpuUsage() });
      return;
    }
    server.closeAllConnections();
    server.close(async () => {
      await composed.close();
      process.disconnect();
    });
  });
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message: { cpu: NodeJS.CpuUsage }) =>
      resolve(message.cpu.user + message.cpu.system),
    );
    child.send('cpu');
  });
}

async function measure(
  withPrometheus: boolean,
  seconds: number,
): Promise<{ rps: number; cpuMicros: number }> {
  const child = fork(import.meta.filename, ['serve', withPrometheus ? 'prom' : 'noop'], {
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const session = jwt.sign({ sub: 'bench-user' }, createSecretKey(Buffer.from(PARTNER_SECRET)), {
    algorithm: 'HS256',
    expiresIn: 600,
  });
  const options = {
    url: `http://127.0.0.1:${port}/auth-token`,
    method: 'POST' as const,
    headers: { authorization: `Bearer ${session}` },
    connections: 20,
  };
  await autocannon({ ...options, duration: 2 });
  const cpuBefore = await cpuOf(child);
  const result = await autocannon({ ...options, duration: seconds });
  const cpuAfter = await cpuOf(child);
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx responses`);
  return { rps: result.requests.average, cpuMicros: (cpuAfter - cpuBefore) / result.requests.total };
}

function report(label: string, result: { rps: number; cpuMicros: number }): string {
  return `${label} ${result.rps.toFixed(0)} req/s, ${result.cpuMicros.toFixed(1)} µs CPU/request`;
}

if (process.argv[2] === 'serve') {
  await serve(process.argv[3] === 'prom');
} else {
  await micro();
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 3);
  const cpu = { noop: 0, prom: 0 };
  for (let round = 0; round < rounds; round += 1) {
    const noop = await measure(false, seconds);
    const prom = await measure(true, seconds);
    cpu.noop += noop.cpuMicros;
    cpu.prom += prom.cpuMicros;
    console.log(`round ${round + 1}: ${report('no metrics', noop)}; ${report('Prometheus', prom)}`);
  }
  const change = ((cpu.prom - cpu.noop) / cpu.noop) * 100;
  console.log(`server CPU per POST /auth-token with metrics: ${change >= 0 ? '+' : ''}${change.toFixed(1)}%`);
}
