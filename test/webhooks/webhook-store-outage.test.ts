import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { StoreUnavailableError } from '../../src/errors/app-errors.js';
import type { WebhookOutcome } from '../../src/observability/metrics.js';
import type { Store } from '../../src/store/store.js';
import { TEST_REDELIVERY_SPEEDUP } from '../support/gateway-emulator.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { serve, webhookOutcomes } from './webhook-fixtures.js';

/** A store that fails the next `isRecorded`, `recordOnce` and transaction lookups it is told to. */
function flakyWebhooks(store: Store) {
  const failures = { isRecorded: 0, recordOnce: 0, findTransaction: 0 };
  const fail = (name: keyof typeof failures) => {
    if (failures[name] === 0) return false;
    failures[name] -= 1;
    return true;
  };
  const flaky: Store = {
    ...store,
    transactions: {
      ...store.transactions,
      findById: (id) =>
        fail('findTransaction')
          ? Promise.reject(new StoreUnavailableError())
          : store.transactions.findById(id),
    },
    webhooks: {
      isRecorded: (key) =>
        fail('isRecorded') ? Promise.reject(new StoreUnavailableError()) : store.webhooks.isRecorded(key),
      recordOnce: (event, effects) =>
        fail('recordOnce')
          ? Promise.reject(new StoreUnavailableError())
          : store.webhooks.recordOnce(event, effects),
    },
  };
  return { store: flaky, failures };
}

describe('POST /webhooks/smallcase when the store is down, then up', () => {
  let base: TestApp;
  let t: GatewayTestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  let failures: { isRecorded: number; recordOnce: number; findTransaction: number };
  let outcomes: WebhookOutcome[];
  before(async () => {
    // `base` only provides the store that the app under test reaches through the flaky wrapper.
    base = buildTestApp();
    const flaky = flakyWebhooks(base.store);
    failures = flaky.failures;
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = await buildGatewayTestApp({ deps: { store: flaky.store, metrics: observed.metrics } });
    server = await serve(t.app);
    t.emulator.webhooks.configure({ url: server.url, speedUp: TEST_REDELIVERY_SPEEDUP });
  });
  after(async () => {
    await server.close();
    await t.close();
    await base.close();
  });

  it('answers 503 with nothing half-applied, and the emulator redelivery applies the event once', async () => {
    const transactionId = await t.create('s-user', { intent: 'CONNECT' });
    failures.isRecorded = 1;
    failures.recordOnce = 1;
    await t.complete(transactionId, 'SCA_s_user');
    const delivery = t.emulator.webhooks.deliveries.at(-1);
    assert.deepEqual(delivery?.attempts, [503, 503, 200], 'store down twice (before and after the fetch)');
    assert.deepEqual(outcomes, ['failed', 'failed', 'applied']);
    assert.equal((await base.store.links.findByUser('s-user'))?.smallcaseAuthId, 'SCA_s_user');
    assert.equal((await base.store.transactions.findById(transactionId))?.status, 'COMPLETED');

    const again = await request(t.app)
      .post('/webhooks/smallcase')
      .send(delivery?.payload ?? {});
    assert.equal(again.status, 200);
    assert.deepEqual(outcomes, ['failed', 'failed', 'applied', 'duplicate']);
  });

  it('answers 503 when the lookup of its unsigned transactionId fails, and the redelivery applies it once', async () => {
    const transactionId = await t.create('s-hint', { intent: 'CONNECT' });
    outcomes.splice(0);
    failures.findTransaction = 1;
    await t.complete(transactionId, 'SCA_s_hint');
    assert.deepEqual(t.emulator.webhooks.deliveries.at(-1)?.attempts, [503, 200]);
    assert.deepEqual(outcomes, ['failed', 'applied']);
    assert.equal((await base.store.links.findByUser('s-hint'))?.smallcaseAuthId, 'SCA_s_hint');
  });

  it('while the second delivery fails after the Gateway fetch, neither the record nor the link moved', async () => {
    const transactionId = await t.create('s-half', { intent: 'CONNECT' });
    t.emulator.webhooks.configure({ url: undefined });
    await t.complete(transactionId, 'SCA_s_half');
    const fired = await fetch(`${t.emulator.url}/__emulator/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/unused', transactionId }),
    });
    const { payload } = (await fired.json()) as { payload: Record<string, unknown> };
    failures.recordOnce = 1;
    const res = await request(t.app).post('/webhooks/smallcase').send(payload);
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'store_unavailable');
    assert.equal((await base.store.transactions.findById(transactionId))?.status, 'INITIALIZED');
    assert.equal(await base.store.links.findByUser('s-half'), undefined);
    await request(t.app).post('/webhooks/smallcase').send(payload).expect(200);
    assert.equal((await base.store.links.findByUser('s-half'))?.smallcaseAuthId, 'SCA_s_half');
  });
});
