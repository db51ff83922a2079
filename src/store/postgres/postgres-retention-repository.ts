import type pg from 'pg';
import type { PurgeBatchOutcome, RetentionRepository } from '../store.js';
import { guard, inTransaction } from './postgres-database.js';

// The outer condition repeats the cutoff: a row changed after the sub-select picked it (an
// expired key claimed again, a transaction updated by a webhook) is re-checked and kept.
const DELETE_IDEMPOTENCY_KEYS = `
  DELETE FROM idempotency_keys
   WHERE expires_at < $1
     AND (partner_user_id, idempotency_key) IN (
       SELECT partner_user_id, idempotency_key FROM idempotency_keys WHERE expires_at < $1 LIMIT $2)`;
const DELETE_WEBHOOK_EVENTS = `
  DELETE FROM webhook_events
   WHERE received_at < $1
     AND event_key IN (SELECT event_key FROM webhook_events WHERE received_at < $1 LIMIT $2)`;
const DELETE_TRANSACTIONS = `
  DELETE FROM transactions
   WHERE updated_at < $1
     AND transaction_id IN (SELECT transaction_id FROM transactions WHERE updated_at < $1 LIMIT $2)`;

/**
 * One instance purges at a time: a transaction-level advisory lock per schema, tried rather than
 * waited for, so the others skip the round instead of queueing behind it.
 */
export function createPostgresRetentionRepository(pool: pg.Pool): RetentionRepository {
  return {
    purgeBatch(cutoffs, limit) {
      return guard(() =>
        inTransaction(pool, async (client): Promise<PurgeBatchOutcome> => {
          const lock = await client.query<{ held: boolean }>(
            `SELECT pg_try_advisory_xact_lock(
               hashtextextended('gateway-token-service:retention:' || current_schema(), 0)) AS held`,
          );
          if (!lock.rows[0]?.held) return { status: 'busy' };
          const run = async (sql: string, cutoff: Date) =>
            (await client.query(sql, [cutoff, limit])).rowCount ?? 0;
          return {
            status: 'purged',
            deleted: {
              idempotencyKeys: await run(DELETE_IDEMPOTENCY_KEYS, cutoffs.idempotencyExpiredBefore),
              webhookEvents: await run(DELETE_WEBHOOK_EVENTS, cutoffs.webhookEventsReceivedBefore),
              transactions: await run(DELETE_TRANSACTIONS, cutoffs.transactionsUpdatedBefore),
            },
          };
        }),
      );
    },
  };
}
