import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { StoreUnavailableError } from '../../src/errors/app-errors.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { dropTestSchema, freshSchemaName, TEST_DATABASE_URL } from '../support/postgres-test-schema.js';
import { tempSqlitePath } from '../support/test-app.js';

// Issue 9, item 5: once the upstream create has succeeded, a store failure must never lead to a
// second upstream transaction for the same Idempotency-Key, and a key whose claim could not be
// released (disk full) must not stay blocked for longer than the transaction lifetime.

const CREATE_PATH = /^\/gateway\/[^/?]+\/transaction(\?|$)/;
const TRANSACTION_LIFETIME_MS = 5 * 60 * 1000;

interface InjectedFaults {
  transactionInserts: number;
  completes: number;
  releases: number;
}

/** The real store, with the next N calls of some writes failing as a full or broken disk would. */
function withWriteFaults(store: Store): { store: Store; faults: InjectedFaults } {
  const faults: InjectedFaults = { transactionInserts: 0, completes: 0, releases: 0 };
  const failing =
    <A extends unknown[], R>(name: keyof InjectedFaults, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (faults[name] > 0) {
        faults[name] -= 1;
        throw new StoreUnavailableError(new Error('SQLITE_FULL: database or disk is full (injected)'));
      }
      return call(...args);
    };
  const { transactions, idempotency } = store;
  return {
    faults,
    store: {
      ...store,
      transactions: { ...transactions, create: failing('transactionInserts', transactions.create) },
      idempotency: {
        ...idempotency,
        complete: failing('completes', idempotency.complete),
        release: failing('releases', idempotency.release),
      },
    },
  };
}

const stores: { name: string; open(): Promise<{ store: Store; dispose(): Promise<void> }> }[] = [
  {
    name: 'SQLite',
    async open() {
      const file = tempSqlitePath();
      const store = createSqliteStore(file.path);
      return { store, dispose: async () => file.cleanup() };
    },
  },
];
if (TEST_DATABASE_URL !== undefined) {
  const url = TEST_DATABASE_URL;
  const schema = freshSchemaName();
  after(() => dropTestSchema(url, schema));
  stores.push({
    name: 'PostgreSQL',
    async open() {
      return { store: await createPostgresStore({ url, schema }), dispose: async () => {} };
    },
  });
}

for (const backend of stores) {
  describe(`Idempotency-Key when the store fails after the upstream create (${backend.name})`, () => {
    let t: GatewayTestApp;
    let faults: InjectedFaults;
    let real: { store: Store; dispose(): Promise<void> };
    let nowMs: number;
    beforeEach(async () => {
      real = await backend.open();
      const wrapped = withWriteFaults(real.store);
      faults = wrapped.faults;
      nowMs = Date.now();
      // The shortest Gateway deadline keeps a retry's wait for a stuck key (deadline + 5 s) short.
      t = await buildGatewayTestApp({
        env: { GATEWAY_TIMEOUT_MS: '100' },
        deps: { store: wrapped.store, clock: () => new Date(nowMs) },
      });
    });
    afterEach(async () => {
      await t.close();
      await real.store.close();
      await real.dispose();
    });

    const upstreamCreates = () =>
      t.emulator.state.requests.filter((r) => r.method === 'POST' && CREATE_PATH.test(r.url)).length;
    const send = (userId: string, key: string) =>
      request(t.app)
        .post('/transactions')
        .set(t.as(userId))
        .set('Idempotency-Key', key)
        .send({ intent: 'CONNECT' });

    it('a failed transaction insert answers 503; the retry replays the same transactionId and records it, with one upstream create', async () => {
      faults.transactionInserts = 1;
      const first = await send('insert-fails', 'key-1');
      assert.equal(first.status, 503, first.text);
      assert.equal(first.body.code, 'store_unavailable');
      assert.equal(upstreamCreates(), 1);

      const retry = await send('insert-fails', 'key-1').expect(201);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.match(retry.body.transactionId, /^TRX_/);
      assert.equal(upstreamCreates(), 1, 'never a second upstream transaction');
      const created = t.emulator.state.requests.find((r) => CREATE_PATH.test(r.url));
      assert.ok(created);

      const owned = await request(t.app)
        .get(`/transactions/${retry.body.transactionId}`)
        .set(t.as('insert-fails'));
      assert.equal(owned.status, 200, 'the replay wrote the record the first attempt could not');
      const again = await send('insert-fails', 'key-1').expect(201);
      assert.deepEqual(again.body, retry.body);
      assert.equal(upstreamCreates(), 1);
    });

    it('when even keeping the result with the key fails, retries never create upstream again until the transaction lifetime has passed', async () => {
      faults.completes = 1;
      assert.equal((await send('result-lost', 'key-2')).status, 503);
      const blocked = await send('result-lost', 'key-2');
      assert.equal(blocked.status, 409, blocked.text);
      assert.equal(blocked.body.code, 'idempotency_conflict');
      assert.equal(upstreamCreates(), 1);

      nowMs += TRANSACTION_LIFETIME_MS + 1000;
      const later = await send('result-lost', 'key-2').expect(201);
      assert.equal(later.headers['idempotent-replayed'], undefined);
      assert.equal(upstreamCreates(), 2, 'the first upstream transaction has expired by now');
    });

    it('a release that fails after a failed upstream create leaves the key stuck at most for the transaction lifetime', async () => {
      await t.fault({ kind: 'status', status: 500 });
      faults.releases = 1;
      const failed = await send('release-fails', 'key-3');
      assert.equal(failed.status, 502, failed.text);

      nowMs += TRANSACTION_LIFETIME_MS - 10_000;
      const stillStuck = await send('release-fails', 'key-3');
      assert.equal(stillStuck.status, 409, stillStuck.text);
      assert.equal(upstreamCreates(), 1);

      nowMs += 11_000;
      const freed = await send('release-fails', 'key-3').expect(201);
      assert.match(freed.body.transactionId, /^TRX_/);
      assert.equal(upstreamCreates(), 2);
    });
  });
}
