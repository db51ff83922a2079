import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { loadConfig } from '../../src/config/load-config.js';
import { createMetricsApp } from '../../src/http/metrics-app.js';
import { createPrometheusMetrics } from '../../src/observability/prometheus-metrics.js';
import { freePort, spawnService } from '../support/spawn-service.js';
import { buildTestApp, tempSqlitePath, testEnv } from '../support/test-app.js';

// Issue 9, item 8: /metrics shows traffic volumes, so it lives on METRICS_PORT and never on the
// public port in production.

const PRODUCTION = {
  NODE_ENV: 'production',
  GATEWAY_API_URL: 'https://gatewayapi.example',
  CORS_ORIGINS: 'https://app.example',
};

const documentedPaths = async (app: Parameters<typeof request>[0]) =>
  Object.keys((await request(app).get('/openapi.json').expect(200)).body.paths);

describe('GET /metrics and METRICS_PORT', () => {
  it('production with METRICS_PORT: the entry point serves /metrics on that port only; the public port answers 404', async () => {
    const sqlite = tempSqlitePath();
    after(sqlite.cleanup);
    const metricsPort = await freePort();
    const service = await spawnService({
      ...PRODUCTION,
      DATABASE_URL: `sqlite:${sqlite.path}`,
      METRICS_PORT: String(metricsPort),
    });
    after(() => service.kill());

    const publicAnswer = await fetch(`${service.baseUrl}/metrics`);
    assert.equal(publicAnswer.status, 404);
    assert.equal(((await publicAnswer.json()) as { code?: string }).code, 'not_found');
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(scrape.status, 200);
    assert.match(scrape.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await scrape.text(), /^gts_http_requests_total\{.*route="unmatched".*\} 1$/m);
    const other = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
    assert.equal(other.status, 404, 'the metrics listener serves nothing else');
    await other.arrayBuffer();

    service.child.kill('SIGTERM');
    assert.deepEqual(await service.exited, { code: 0, signal: null }, service.output());
  });

  it('production without METRICS_PORT: no /metrics anywhere, and one start-up warning says so', async () => {
    const { config, warnings } = loadConfig(testEnv(PRODUCTION));
    assert.equal(config.metricsPort, undefined);
    assert.equal(config.metricsOnPublicPort, false);
    assert.equal(warnings.filter((line) => line.startsWith('METRICS_PORT:')).length, 1);

    const testApp = buildTestApp({ env: PRODUCTION, deps: { metrics: createPrometheusMetrics() } });
    after(() => testApp.close());
    await request(testApp.app).get('/metrics').expect(404);
    assert.ok(!(await documentedPaths(testApp.app)).includes('/metrics'));
  });

  it('development with METRICS_PORT: /metrics leaves the public app for the metrics app', async () => {
    const metrics = createPrometheusMetrics();
    const testApp = buildTestApp({ env: { METRICS_PORT: '9464' }, deps: { metrics } });
    after(() => testApp.close());
    await request(testApp.app).get('/healthz').expect(200);
    await request(testApp.app).get('/metrics').expect(404);
    assert.ok(!(await documentedPaths(testApp.app)).includes('/metrics'));

    const metricsApp = createMetricsApp(metrics);
    const scrape = await request(metricsApp).get('/metrics').set('x-request-id', 'scrape-1').expect(200);
    assert.match(scrape.text, /gts_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    assert.equal(scrape.headers['x-request-id'], 'scrape-1');
    const unknown = await request(metricsApp).get('/nothing').expect(404);
    assert.match(unknown.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(unknown.body.requestId, unknown.headers['x-request-id']);
  });

  it('development without METRICS_PORT keeps /metrics on the public port', async () => {
    const testApp = buildTestApp({ deps: { metrics: createPrometheusMetrics() } });
    after(() => testApp.close());
    await request(testApp.app).get('/metrics').expect(200);
  });

  it('refuses a METRICS_PORT equal to PORT or out of range, naming the variable', () => {
    for (const env of [
      { PORT: '8080', METRICS_PORT: '8080' },
      { METRICS_PORT: '70000' },
      { METRICS_PORT: 'x' },
    ]) {
      assert.throws(
        () => loadConfig(testEnv(env)),
        (error: Error & { problems?: string[] }) =>
          error.problems?.length === 1 && error.problems[0]?.startsWith('METRICS_PORT: ') === true,
      );
    }
  });
});
