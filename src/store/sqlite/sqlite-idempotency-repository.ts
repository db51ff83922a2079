import type { IdempotencyClaim, IdempotencyRepository } from '../store.js';
import { guard, type SqliteDatabase } from './sqlite-database.js';

interface IdempotencyRow {
  request_hash: string;
  response: string | null;
  expires_at: string;
}

export function createSqliteIdempotencyRepository(db: SqliteDatabase): IdempotencyRepository {
  const select = db.prepare<[string, string], IdempotencyRow>(
    'SELECT request_hash, response, expires_at FROM idempotency_keys WHERE partner_user_id = ? AND idempotency_key = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO idempotency_keys (partner_user_id, idempotency_key, request_hash, response, created_at, expires_at)
     VALUES (@partnerUserId, @key, @requestHash, NULL, @at, @expiresAt)
     ON CONFLICT (partner_user_id, idempotency_key) DO UPDATE
       SET request_hash = excluded.request_hash, response = NULL,
           created_at = excluded.created_at, expires_at = excluded.expires_at`,
  );
  const complete = db.prepare(
    `UPDATE idempotency_keys SET response = @response, expires_at = @expiresAt
      WHERE partner_user_id = @partnerUserId AND idempotency_key = @key`,
  );
  const release = db.prepare(
    'DELETE FROM idempotency_keys WHERE partner_user_id = ? AND idempotency_key = ? AND response IS NULL',
  );

  const claim = db.transaction(
    (input: {
      partnerUserId: string;
      key: string;
      requestHash: string;
      at: Date;
      expiresAt: Date;
    }): IdempotencyClaim => {
      const existing = select.get(input.partnerUserId, input.key);
      if (existing && new Date(existing.expires_at) > input.at) {
        if (existing.response === null) return { status: 'in_progress', requestHash: existing.request_hash };
        return {
          status: 'completed',
          requestHash: existing.request_hash,
          body: JSON.parse(existing.response),
        };
      }
      upsert.run({ ...input, at: input.at.toISOString(), expiresAt: input.expiresAt.toISOString() });
      return { status: 'claimed' };
    },
  );

  return {
    async claim(input) {
      return guard(() => claim.immediate(input));
    },
    async complete(input) {
      guard(() =>
        complete.run({
          partnerUserId: input.partnerUserId,
          key: input.key,
          response: JSON.stringify(input.body),
          expiresAt: input.expiresAt.toISOString(),
        }),
      );
    },
    async release(input) {
      guard(() => release.run(input.partnerUserId, input.key));
    },
  };
}
