import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createPrometheusMetrics } from '../../src/observability/prometheus-metrics.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CANARY_VALUES } from '../support/canaries.js';
import { rememberToken } from '../support/log-capture.js';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';
import { bearer, buildTestApp, tempSqlitePath } from '../support/test-app.js';

describe('GET /metrics', () => {
  const metrics = createPrometheusMetrics();
  const testApp = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' }, deps: { metrics } });
  after(() => testApp.close());

  it('counts requests by route template and tokens by type, with no user id, token or raw path in any label', async () => {
    const userId = 'user-metrics-7f3a9c';
    const session = testApp.session(userId);
    const guest = await request(testApp.app).post('/auth-token').set(bearer(session)).expect(200);
    rememberToken(guest.body.smallcaseAuthToken);
    await testApp.store.links.link({
      partnerUserId: userId,
      smallcaseAuthId: 'sc-auth-metrics-1',
      broker: 'kite',
      at: new Date(),
    });
    const connected = await request(testApp.app).get('/auth-token/').set(bearer(session)).expect(200);
    rememberToken(connected.body.smallcaseAuthToken);
    await request(testApp.app).get('/auth-token').set(bearer('not-a-jwt')).expect(401);
    await request(testApp.app).get(`/no-such-route/${userId}?token=${session}`).expect(404);
    await request(testApp.app).get('/healthz').expect(200);

    const response = await request(testApp.app).get('/metrics').expect(200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.match(response.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
    assert.ok(response.headers['x-request-id'], 'the metrics response carries a request id too');
    const samples = parseExposition(response.text);

    const requests = 'gts_http_requests_total';
    assert.equal(sampleValue(samples, requests, { method: 'POST', route: '/auth-token', status: '200' }), 1);
    assert.equal(sampleValue(samples, requests, { method: 'GET', route: '/auth-token', status: '200' }), 1);
    assert.equal(sampleValue(samples, requests, { method: 'GET', route: '/auth-token', status: '401' }), 1);
    assert.equal(sampleValue(samples, requests, { method: 'GET', route: 'unmatched', status: '404' }), 1);
    assert.equal(sampleValue(samples, requests, { method: 'GET', route: '/healthz', status: '200' }), 1);
    assert.equal(
      sampleValue(samples, 'gts_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/auth-token',
        status_class: '2xx',
      }),
      1,
    );
    assert.equal(sampleValue(samples, 'gts_tokens_minted_total', { user_type: 'guest' }), 1);
    assert.equal(sampleValue(samples, 'gts_tokens_minted_total', { user_type: 'connected' }), 1);
    for (const operation of ['create_transaction', 'transaction_details', 'holdings', 'engine']) {
      assert.equal(sampleValue(samples, 'gts_circuit_breaker_state', { operation, state: 'closed' }), 1);
    }
    assert.equal(sampleValue(samples, 'gts_store_errors_total', {}), 0);
    assert.ok(
      samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds'),
      'default process metrics (event-loop lag) are on the registry',
    );

    const forbidden = [userId, 'sc-auth-metrics-1', session, 'not-a-jwt', 'no-such-route', ...CANARY_VALUES];
    forbidden.push(guest.body.smallcaseAuthToken, connected.body.smallcaseAuthToken);
    for (const sample of samples) {
      for (const value of Object.values(sample.labels)) {
        for (const secret of forbidden) assert.ok(!value.includes(secret), `label ${value} leaks ${secret}`);
      }
    }
  });

  it('is public and never rate limited, even when the same client scrapes it often', async () => {
    for (let scrape = 0; scrape < 6; scrape += 1) await request(testApp.app).get('/metrics').expect(200);
    const samples = parseExposition((await request(testApp.app).get('/metrics').expect(200)).text);
    assert.ok(
      (sampleValue(samples, 'gts_http_requests_total', { route: '/metrics', status: '200' }) ?? 0) >= 6,
    );
  });

  it('answers an empty exposition when the app was built without Prometheus metrics', async () => {
    const plain = buildTestApp();
    try {
      const response = await request(plain.app).get('/metrics').expect(200);
      assert.equal(response.text, '');
      assert.equal(response.headers['cache-control'], 'no-store');
    } finally {
      await plain.close();
    }
  });
});

describe('store errors in /metrics', () => {
  it('when the store passes its deadline, /auth-token answers 503 store_unavailable and the store error counter rises', async () => {
    const metrics = createPrometheusMetrics();
    const file = tempSqlitePath();
    const raw = createSqliteStore(file.path);
    const hanging = { ...raw, links: { ...raw.links, findByUser: () => new Promise<never>(() => {}) } };
    const testApp = buildTestApp({ deps: { metrics, store: hanging, storeDeadlineMs: 50 } });
    try {
      const response = await request(testApp.app)
        .post('/auth-token')
        .set(bearer(testApp.session('user-store-down')))
        .expect(503);
      assert.equal(response.body.code, 'store_unavailable');
      const samples = parseExposition((await request(testApp.app).get('/metrics').expect(200)).text);
      assert.equal(sampleValue(samples, 'gts_store_errors_total', {}), 1);
      assert.equal(sampleValue(samples, 'gts_tokens_minted_total', { user_type: 'guest' }), undefined);
      assert.equal(
        sampleValue(samples, 'gts_http_requests_total', { route: '/auth-token', status: '503' }),
        1,
      );
    } finally {
      await testApp.close();
      await raw.close();
      file.cleanup();
    }
  });
});

describe('upstream, circuit breaker and webhook metrics', () => {
  it('records upstream calls by operation and outcome, one-hot breaker state and webhook outcomes', async () => {
    const metrics = createPrometheusMetrics();
    metrics.upstreamCall('createTransaction', 'ok', 0.12);
    metrics.upstreamCall('createTransaction', 'timeout', 10);
    metrics.upstreamCall('/v1/gw/user/12345', 'error', 0.2);
    metrics.circuitState('engine', 'open');
    metrics.circuitState('holdings', 'closed');
    metrics.webhook('applied');
    metrics.webhook('duplicate');
    metrics.webhook('duplicate');
    const samples = parseExposition((await metrics.exposition()).body);

    const calls = 'gts_upstream_requests_total';
    assert.equal(sampleValue(samples, calls, { operation: 'createTransaction', outcome: 'ok' }), 1);
    assert.equal(sampleValue(samples, calls, { operation: 'createTransaction', outcome: 'timeout' }), 1);
    assert.equal(
      sampleValue(samples, calls, { operation: 'other', outcome: 'error' }),
      1,
      'an operation that is not a plain name is folded, never exposed',
    );
    assert.equal(
      sampleValue(samples, 'gts_upstream_request_duration_seconds_bucket', {
        operation: 'createTransaction',
        outcome: 'timeout',
        le: '5',
      }),
      0,
    );
    const circuit = 'gts_circuit_breaker_state';
    assert.equal(sampleValue(samples, circuit, { operation: 'engine', state: 'open' }), 1);
    assert.equal(sampleValue(samples, circuit, { operation: 'engine', state: 'closed' }), 0);
    assert.equal(sampleValue(samples, circuit, { operation: 'holdings', state: 'closed' }), 1);
    assert.equal(sampleValue(samples, circuit, { operation: 'holdings', state: 'open' }), 0);
    assert.equal(sampleValue(samples, 'gts_webhooks_total', { outcome: 'applied' }), 1);
    assert.equal(sampleValue(samples, 'gts_webhooks_total', { outcome: 'duplicate' }), 2);
  });

  it('keeps each instance on its own registry', async () => {
    const first = createPrometheusMetrics();
    const second = createPrometheusMetrics();
    first.webhook('rejected');
    const samples = parseExposition((await second.exposition()).body);
    assert.equal(sampleValue(samples, 'gts_webhooks_total', { outcome: 'rejected' }), undefined);
  });
});
