import type { RetentionRepository } from '../store.js';
import { guard, type SqliteDatabase } from './sqlite-database.js';

/** Batched deletes by rowid; SQLite has one writer at a time, so a batch never races a claim. */
export function createSqliteRetentionRepository(db: SqliteDatabase): RetentionRepository {
  const deleteBatch = (table: string, column: string) =>
    db.prepare<[string, number]>(
      `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ?)`,
    );
  const idempotencyKeys = deleteBatch('idempotency_keys', 'expires_at');
  const webhookEvents = deleteBatch('webhook_events', 'received_at');
  const transactions = deleteBatch('transactions', 'updated_at');

  const purge = db.transaction(
    (cutoffs: Parameters<RetentionRepository['purgeBatch']>[0], limit: number) => ({
      idempotencyKeys: idempotencyKeys.run(cutoffs.idempotencyExpiredBefore.toISOString(), limit).changes,
      webhookEvents: webhookEvents.run(cutoffs.webhookEventsReceivedBefore.toISOString(), limit).changes,
      transactions: transactions.run(cutoffs.transactionsUpdatedBefore.toISOString(), limit).changes,
    }),
  );

  return {
    async purgeBatch(cutoffs, limit) {
      return { status: 'purged', deleted: guard(() => purge.immediate(cutoffs, limit)) };
    },
  };
}
