import type pg from 'pg';
import type { IdempotencyClaim, IdempotencyRepository } from '../store.js';
import { guard, inTransaction } from './postgres-database.js';

interface IdempotencyRow {
  request_hash: string;
  /** The response body as JSON; SQL NULL while the request is in progress. */
  response: unknown;
}

// A live record can be released between the upsert and the re-read: claim again.
const CLAIM_ATTEMPTS = 3;

export function createPostgresIdempotencyRepository(pool: pg.Pool): IdempotencyRepository {
  return {
    async claim(input) {
      return guard(() =>
        inTransaction(pool, async (client): Promise<IdempotencyClaim> => {
          for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt += 1) {
            // Inserts, or takes over an expired record; a live one is left alone (and locked) by the WHERE.
            const claimed = await client.query(
              `INSERT INTO idempotency_keys
                 (partner_user_id, idempotency_key, request_hash, response, created_at, expires_at)
               VALUES ($1, $2, $3, NULL, $4, $5)
               ON CONFLICT (partner_user_id, idempotency_key) DO UPDATE
                 SET request_hash = excluded.request_hash, response = NULL,
                     created_at = excluded.created_at, expires_at = excluded.expires_at
                 WHERE idempotency_keys.expires_at <= excluded.created_at
               RETURNING 1`,
              [input.partnerUserId, input.key, input.requestHash, input.at, input.expiresAt],
            );
            if (claimed.rowCount === 1) return { status: 'claimed' };
            const existing = await client.query<IdempotencyRow>(
              `SELECT request_hash, response FROM idempotency_keys
                WHERE partner_user_id = $1 AND idempotency_key = $2`,
              [input.partnerUserId, input.key],
            );
            const row = existing.rows[0];
            if (!row) continue;
            if (row.response === null) return { status: 'in_progress', requestHash: row.request_hash };
            return { status: 'completed', requestHash: row.request_hash, body: row.response };
          }
          throw new Error('idempotency claim did not settle after concurrent changes');
        }),
      );
    },
    async complete(input) {
      await guard(() =>
        pool.query(
          `UPDATE idempotency_keys SET response = $3::jsonb, expires_at = $4
            WHERE partner_user_id = $1 AND idempotency_key = $2`,
          [input.partnerUserId, input.key, JSON.stringify(input.body), input.expiresAt],
        ),
      );
    },
    async release(input) {
      await guard(() =>
        pool.query(
          `DELETE FROM idempotency_keys
            WHERE partner_user_id = $1 AND idempotency_key = $2 AND response IS NULL`,
          [input.partnerUserId, input.key],
        ),
      );
    },
  };
}
