import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { WebhookOutcome } from '../../src/observability/metrics.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import {
  dropTestSchema,
  freshSchemaName,
  SKIP_WITHOUT_POSTGRES,
  TEST_DATABASE_URL,
} from '../support/postgres-test-schema.js';
import { sign, webhookOutcomes } from './webhook-fixtures.js';

describe('POST /webhooks/smallcase over PostgreSQL', { skip: SKIP_WITHOUT_POSTGRES }, () => {
  const url = TEST_DATABASE_URL as string;
  const schema = freshSchemaName();
  let store: Store;
  let t: GatewayTestApp;
  let outcomes: WebhookOutcome[];
  before(async () => {
    store = await createPostgresStore({ url, schema });
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = await buildGatewayTestApp({
      deps: { store, metrics: observed.metrics },
    });
  });
  after(async () => {
    await t?.close();
    await store?.close();
    await dropTestSchema(url, schema);
  });

  it('applies eight concurrent deliveries of a completion once: one link, one event', async () => {
    const transactionId = await t.create('pg-user', { intent: 'CONNECT' });
    await t.complete(transactionId, 'SCA_pg');
    const body = sign({ transactionId, smallcaseAuthId: 'SCA_pg' });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => request(t.app).post('/webhooks/smallcase').send(body)),
    );
    assert.deepEqual(new Set(responses.map((res) => res.status)), new Set([200]));
    assert.equal(outcomes.filter((outcome) => outcome === 'applied').length, 1);
    assert.equal(outcomes.filter((outcome) => outcome === 'duplicate').length, 7);
    assert.equal((await store.links.findByUser('pg-user'))?.smallcaseAuthId, 'SCA_pg');
    assert.equal((await store.transactions.findById(transactionId))?.status, 'COMPLETED');
  });
});
