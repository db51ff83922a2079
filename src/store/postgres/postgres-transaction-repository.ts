import type pg from 'pg';
import type { TransactionRecord, TransactionRepository, TransactionUpdate } from '../store.js';
import { type TransactionRow, transactionFromRow } from '../store-rows.js';
import { guard, type Queryable } from './postgres-database.js';

/** Records what the Gateway reports; known fields are never blanked by a later, sparser update. */
export async function updateTransactionWithin(
  db: Queryable,
  update: TransactionUpdate,
): Promise<TransactionRecord | undefined> {
  const result = await db.query<TransactionRow>(
    `UPDATE transactions
        SET status = $2,
            smallcase_auth_id = COALESCE($3, smallcase_auth_id),
            broker = COALESCE($4, broker),
            updated_at = $5
      WHERE transaction_id = $1
      RETURNING *`,
    [update.transactionId, update.status, update.smallcaseAuthId, update.broker, update.at],
  );
  return result.rows[0] ? transactionFromRow(result.rows[0]) : undefined;
}

export function createPostgresTransactionRepository(pool: pg.Pool): TransactionRepository {
  return {
    async create(transaction) {
      await guard(() =>
        pool.query(
          `INSERT INTO transactions
             (transaction_id, partner_user_id, intent, status, created_at, expire_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $5)`,
          [
            transaction.transactionId,
            transaction.partnerUserId,
            transaction.intent,
            transaction.status,
            transaction.createdAt,
            transaction.expireAt,
          ],
        ),
      );
    },
    async findById(transactionId) {
      const result = await guard(() =>
        pool.query<TransactionRow>('SELECT * FROM transactions WHERE transaction_id = $1', [transactionId]),
      );
      return result.rows[0] ? transactionFromRow(result.rows[0]) : undefined;
    },
    async update(update) {
      return guard(() => updateTransactionWithin(pool, update));
    },
  };
}
