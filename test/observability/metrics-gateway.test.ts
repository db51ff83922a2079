import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createPrometheusMetrics } from '../../src/observability/prometheus-metrics.js';
import { CANARY_VALUES } from '../support/canaries.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { rememberToken } from '../support/log-capture.js';
import { parseExposition, type Sample, sampleValue } from '../support/prometheus-text.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { sign } from '../webhooks/webhook-fixtures.js';

describe('/metrics over a Gateway journey', () => {
  const metrics = createPrometheusMetrics();
  let testApp: GatewayTestApp;
  before(async () => {
    testApp = await buildGatewayTestApp({ deps: { metrics } });
  });
  after(() => testApp.close());

  async function scrape(): Promise<Sample[]> {
    return parseExposition((await request(testApp.app).get('/metrics').expect(200)).text);
  }

  it('labels transaction routes by template and upstream calls by operation, never by id', async () => {
    const userId = 'user-metrics-journey-51d2';
    const auth = testApp.as(userId);
    const transactionId = await testApp.create(userId, { intent: 'CONNECT' });
    await request(testApp.app).get(`/transactions/${transactionId}`).set(auth).expect(200);
    await testApp.complete(transactionId, 'SCA_metrics_77');
    const linked = await request(testApp.app).post('/link').set(auth).send({ transactionId }).expect(200);
    rememberToken(linked.body.smallcaseAuthToken);
    await request(testApp.app).get('/holdings').set(auth).expect(200);
    await request(testApp.app)
      .get(`/transactions/TRX_${'f'.repeat(32)}`)
      .set(auth)
      .expect(404);

    const samples = await scrape();
    const requests = 'gts_http_requests_total';
    assert.equal(sampleValue(samples, requests, { route: '/transactions', status: '201' }), 1);
    assert.equal(sampleValue(samples, requests, { route: '/transactions/:transactionId', status: '200' }), 1);
    assert.equal(
      sampleValue(samples, requests, { route: '/transactions/:transactionId', status: '404' }),
      1,
      "someone else's or an unknown transaction is a 404 of the route, not an unmatched request",
    );
    assert.equal(sampleValue(samples, requests, { method: 'POST', route: '/link', status: '200' }), 1);
    assert.equal(sampleValue(samples, 'gts_tokens_minted_total', { user_type: 'connected' }), 1);
    const calls = 'gts_upstream_requests_total';
    assert.equal(sampleValue(samples, calls, { operation: 'create_transaction', outcome: 'ok' }), 1);
    assert.ok((sampleValue(samples, calls, { operation: 'transaction_details', outcome: 'ok' }) ?? 0) >= 2);
    assert.equal(sampleValue(samples, calls, { operation: 'holdings', outcome: 'ok' }), 1);
    assert.ok(
      samples.some(
        (sample) =>
          sample.name === 'gts_upstream_request_duration_seconds_count' &&
          sample.labels.operation === 'create_transaction',
      ),
    );

    const forbidden = [userId, transactionId, 'SCA_metrics_77', linked.body.smallcaseAuthToken];
    for (const sample of samples) {
      for (const value of Object.values(sample.labels)) {
        for (const secret of [...forbidden, ...CANARY_VALUES]) {
          assert.ok(!value.includes(secret), `label ${value} leaks ${secret}`);
        }
      }
    }
  });

  it('counts an upstream failure by outcome when the Gateway answers 500', async () => {
    testApp.emulator.state.faults.push({ fault: { kind: 'status', status: 500 }, remaining: 1 });
    const response = await request(testApp.app)
      .post('/transactions')
      .set(bearer(testApp.session('user-metrics-upstream-500')))
      .send({ intent: 'CONNECT' });
    assert.equal(response.body.code, 'gateway_error');
    const samples = await scrape();
    assert.equal(
      sampleValue(samples, 'gts_upstream_requests_total', {
        operation: 'create_transaction',
        outcome: 'error',
      }),
      1,
    );
    assert.equal(
      sampleValue(samples, 'gts_http_requests_total', { route: '/transactions', status: '502' }),
      1,
    );
  });

  it('counts webhook deliveries by outcome: applied once, then duplicate, and a bad checksum rejected', async () => {
    const transactionId = await testApp.create('user-metrics-webhook-9e4b', { intent: 'CONNECT' });
    await testApp.complete(transactionId, 'SCA_metrics_hook');
    const delivery = sign({ smallcaseAuthId: 'SCA_metrics_hook', transactionId, intent: 'CONNECT' });
    await request(testApp.app).post('/webhooks/smallcase').send(delivery).expect(200);
    await request(testApp.app).post('/webhooks/smallcase').send(delivery).expect(200);
    await request(testApp.app)
      .post('/webhooks/smallcase')
      .send({ ...delivery, checksum: '0'.repeat(64) })
      .expect(401);

    const samples = await scrape();
    assert.equal(sampleValue(samples, 'gts_webhooks_total', { outcome: 'applied' }), 1);
    assert.equal(sampleValue(samples, 'gts_webhooks_total', { outcome: 'duplicate' }), 1);
    assert.equal(sampleValue(samples, 'gts_webhooks_total', { outcome: 'rejected' }), 1);
    assert.equal(
      sampleValue(samples, 'gts_http_requests_total', { route: '/webhooks/smallcase', status: '401' }),
      1,
    );
  });
});

describe('/metrics when the Gateway is unreachable', () => {
  it('shows the breaker open and calls refused by it, after enough upstream failures', async () => {
    const metrics = createPrometheusMetrics();
    const testApp = buildTestApp({ env: { GATEWAY_API_URL: 'http://127.0.0.1:9' }, deps: { metrics } });
    try {
      await testApp.store.links.link({
        partnerUserId: 'user-metrics-breaker',
        smallcaseAuthId: 'SCA_metrics_breaker',
        broker: 'kite',
        at: new Date(),
      });
      const auth = bearer(testApp.session('user-metrics-breaker'));
      const holdingsOpen = { operation: 'holdings', state: 'open' };
      let samples: Sample[] = [];
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const response = await request(testApp.app).get('/holdings').set(auth);
        assert.equal(response.body.code, 'gateway_unavailable');
        samples = parseExposition((await request(testApp.app).get('/metrics').expect(200)).text);
        if (sampleValue(samples, 'gts_circuit_breaker_state', holdingsOpen) === 1) break;
      }
      assert.equal(sampleValue(samples, 'gts_circuit_breaker_state', holdingsOpen), 1);
      assert.equal(
        sampleValue(samples, 'gts_circuit_breaker_state', { operation: 'holdings', state: 'closed' }),
        0,
      );
      assert.equal(
        sampleValue(samples, 'gts_circuit_breaker_state', {
          operation: 'create_transaction',
          state: 'closed',
        }),
        1,
        'the other operations keep their own closed breakers',
      );
      assert.ok(
        (sampleValue(samples, 'gts_upstream_requests_total', {
          operation: 'holdings',
          outcome: 'unavailable',
        }) ?? 0) >= 1,
      );
      await request(testApp.app).get('/holdings').set(auth).expect(503);
      samples = parseExposition((await request(testApp.app).get('/metrics').expect(200)).text);
      assert.ok(
        (sampleValue(samples, 'gts_upstream_requests_total', {
          operation: 'holdings',
          outcome: 'circuit_open',
        }) ?? 0) >= 1,
      );
    } finally {
      await testApp.close();
    }
  });
});
