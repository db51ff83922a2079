import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { purgeExpired } from '../../../src/retention/retention-job.js';
import type { RetentionCutoffs, Store } from '../../../src/store/store.js';
import type { StoreRef } from '../store-contract.js';
import { at, uniqueId } from './unique-id.js';

const DAY = 24 * 60 * 60;
const daysAgo = (days: number) => at(-days * DAY);

/** Every kind cut at the same moment; each test works in its own stretch of the past. */
const cutAt = (days: number): RetentionCutoffs => ({
  idempotencyExpiredBefore: daysAgo(days),
  webhookEventsReceivedBefore: daysAgo(days),
  transactionsUpdatedBefore: daysAgo(days),
});

async function seedTransaction(store: Store, createdDaysAgo: number, updatedDaysAgo?: number) {
  const transactionId = uniqueId('TRX');
  await store.transactions.create({
    transactionId,
    partnerUserId: uniqueId('user'),
    intent: 'CONNECT',
    status: 'INITIALIZED',
    createdAt: daysAgo(createdDaysAgo),
    expireAt: new Date(daysAgo(createdDaysAgo).getTime() + 300_000),
  });
  if (updatedDaysAgo !== undefined) {
    await store.transactions.update({
      transactionId,
      status: 'COMPLETED',
      smallcaseAuthId: null,
      broker: null,
      at: daysAgo(updatedDaysAgo),
    });
  }
  return transactionId;
}

async function seedWebhookEvent(store: Store, receivedDaysAgo: number) {
  const eventKey = uniqueId('event');
  await store.webhooks.recordOnce(
    {
      eventKey,
      kind: 'transaction',
      transactionId: null,
      smallcaseAuthId: null,
      receivedAt: daysAgo(receivedDaysAgo),
      payload: {},
    },
    {},
  );
  return eventKey;
}

async function seedIdempotencyKey(store: Store, expiredDaysAgo: number) {
  const scope = { partnerUserId: uniqueId('user'), key: uniqueId('key') };
  const expiresAt = daysAgo(expiredDaysAgo);
  await store.idempotency.claim({
    ...scope,
    requestHash: 'h',
    at: new Date(expiresAt.getTime() - 600_000),
    expiresAt,
  });
  await store.idempotency.complete({ ...scope, body: { transactionId: 'TRX_x' }, expiresAt });
  return scope;
}

/** Whether the key's row still exists: claiming it at a moment before its expiry does not get it. */
async function keyHeld(store: Store, scope: { partnerUserId: string; key: string }, atDaysAgo: number) {
  const claimAt = daysAgo(atDaysAgo);
  const claim = await store.idempotency.claim({
    ...scope,
    requestHash: 'h',
    at: claimAt,
    expiresAt: claimAt,
  });
  return claim.status !== 'claimed';
}

export function describeRetentionContract(ref: StoreRef): void {
  describe('retention purge', () => {
    it('deletes expired idempotency keys, old webhook events and transactions unchanged since the cutoff; keeps the rest', async () => {
      const store = ref.current;
      const oldTransaction = await seedTransaction(store, 400);
      const updatedSince = await seedTransaction(store, 400, 200);
      const youngTransaction = await seedTransaction(store, 200);
      const oldEvent = await seedWebhookEvent(store, 400);
      const youngEvent = await seedWebhookEvent(store, 200);
      const oldKey = await seedIdempotencyKey(store, 400);
      const liveKey = await seedIdempotencyKey(store, 200);

      const outcome = await store.retention.purgeBatch(cutAt(300), 100);
      assert.deepEqual(outcome, {
        status: 'purged',
        deleted: { idempotencyKeys: 1, webhookEvents: 1, transactions: 1 },
      });
      assert.equal(await store.transactions.findById(oldTransaction), undefined);
      assert.ok(await store.transactions.findById(updatedSince), 'a transaction changed since is kept');
      assert.ok(await store.transactions.findById(youngTransaction));
      assert.equal(await store.webhooks.isRecorded(oldEvent), false);
      assert.equal(await store.webhooks.isRecorded(youngEvent), true);
      assert.deepEqual(await store.retention.purgeBatch(cutAt(300), 100), {
        status: 'purged',
        deleted: { idempotencyKeys: 0, webhookEvents: 0, transactions: 0 },
      });
      assert.equal(await keyHeld(store, oldKey, 401), false, 'the expired key row is gone');
      assert.equal(await keyHeld(store, liveKey, 201), true);
    });

    it('deletes at most `limit` rows of each kind per batch', async () => {
      const store = ref.current;
      for (let i = 0; i < 5; i += 1) await seedTransaction(store, 1000);
      const counts: number[] = [];
      for (let batch = 0; batch < 4; batch += 1) {
        const outcome = await store.retention.purgeBatch(cutAt(900), 2);
        assert.equal(outcome.status, 'purged');
        if (outcome.status === 'purged') counts.push(outcome.deleted.transactions);
      }
      assert.deepEqual(counts, [2, 2, 1, 0]);
    });

    it('two instances purging at once delete every eligible row once and no live row', async () => {
      const store = ref.current;
      const other = await ref.database.openStore();
      try {
        const old = await Promise.all(
          Array.from({ length: 30 }, async () => ({
            transaction: await seedTransaction(store, 2000),
            event: await seedWebhookEvent(store, 2000),
            key: await seedIdempotencyKey(store, 2000),
          })),
        );
        const live = await seedTransaction(store, 1800);
        const results = await Promise.all(
          [store, other].map((instance) => purgeExpired(instance.retention, cutAt(1900), { batchSize: 7 })),
        );
        const total = (kind: 'transactions' | 'webhookEvents' | 'idempotencyKeys') =>
          results.reduce((sum, result) => sum + result.deleted[kind], 0);
        assert.deepEqual(
          [total('transactions'), total('webhookEvents'), total('idempotencyKeys')],
          [30, 30, 30],
        );
        for (const rows of old) {
          assert.equal(await store.transactions.findById(rows.transaction), undefined);
          assert.equal(await store.webhooks.isRecorded(rows.event), false);
        }
        assert.ok(await store.transactions.findById(live));
      } finally {
        await other.close();
      }
    });
  });
}
