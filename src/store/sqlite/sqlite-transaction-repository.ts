import type {
  NewTransaction,
  TransactionRecord,
  TransactionRepository,
  TransactionUpdate,
} from '../store.js';
import { type TransactionRow, transactionFromRow } from '../store-rows.js';
import { guard, type SqliteDatabase } from './sqlite-database.js';

export interface SqliteTransactionRepository extends TransactionRepository {
  /** Updates inside a transaction the caller already holds (webhook effects). */
  updateWithinTransaction(update: TransactionUpdate): TransactionRecord | undefined;
}

export function createSqliteTransactionRepository(db: SqliteDatabase): SqliteTransactionRepository {
  const insert = db.prepare(
    `INSERT INTO transactions
       (transaction_id, partner_user_id, intent, status, created_at, expire_at, updated_at)
     VALUES (@transactionId, @partnerUserId, @intent, @status, @createdAt, @expireAt, @createdAt)`,
  );
  const selectById = db.prepare<[string], TransactionRow>(
    'SELECT * FROM transactions WHERE transaction_id = ?',
  );
  const updateRow = db.prepare<Record<string, string | null>, TransactionRow>(
    `UPDATE transactions
        SET status = @status,
            smallcase_auth_id = COALESCE(@smallcaseAuthId, smallcase_auth_id),
            broker = COALESCE(@broker, broker),
            updated_at = @at
      WHERE transaction_id = @transactionId
      RETURNING *`,
  );

  const updateWithinTransaction = (update: TransactionUpdate) => {
    const row = updateRow.get({
      transactionId: update.transactionId,
      status: update.status,
      smallcaseAuthId: update.smallcaseAuthId,
      broker: update.broker,
      at: update.at.toISOString(),
    });
    return row ? transactionFromRow(row) : undefined;
  };

  return {
    updateWithinTransaction,
    async create(transaction: NewTransaction) {
      guard(() =>
        insert.run({
          ...transaction,
          createdAt: transaction.createdAt.toISOString(),
          expireAt: transaction.expireAt?.toISOString() ?? null,
        }),
      );
    },
    async findById(transactionId) {
      const row = guard(() => selectById.get(transactionId));
      return row ? transactionFromRow(row) : undefined;
    },
    async update(update) {
      return guard(() => updateWithinTransaction(update));
    },
  };
}
