import type pg from 'pg';
import type {
  HoldingsSnapshot,
  HoldingsSnapshotRepository,
  WebhookRecordOutcome,
  WebhookRepository,
} from '../store.js';
import { guard, inTransaction, type Queryable } from './postgres-database.js';
import { holdsWithin, webhookLinkWithin } from './postgres-link-repository.js';
import { updateTransactionWithin } from './postgres-transaction-repository.js';

interface SnapshotRow {
  partner_user_id: string;
  smallcase_auth_id: string;
  data: unknown;
  snapshot_at: Date;
}

// Keeps the newest snapshot: an older one arriving late never replaces it.
async function saveSnapshot(db: Queryable, snapshot: HoldingsSnapshot): Promise<void> {
  await db.query(
    `INSERT INTO holdings_snapshots (partner_user_id, smallcase_auth_id, data, snapshot_at)
     VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (partner_user_id) DO UPDATE
       SET smallcase_auth_id = excluded.smallcase_auth_id, data = excluded.data, snapshot_at = excluded.snapshot_at
       WHERE excluded.snapshot_at >= holdings_snapshots.snapshot_at`,
    [snapshot.partnerUserId, snapshot.smallcaseAuthId, JSON.stringify(snapshot.data), snapshot.snapshotAt],
  );
}

export function createPostgresHoldingsRepository(pool: pg.Pool): HoldingsSnapshotRepository {
  return {
    async latestFor(partnerUserId) {
      const result = await guard(() =>
        pool.query<SnapshotRow>('SELECT * FROM holdings_snapshots WHERE partner_user_id = $1', [
          partnerUserId,
        ]),
      );
      const row = result.rows[0];
      if (!row) return undefined;
      return {
        partnerUserId: row.partner_user_id,
        smallcaseAuthId: row.smallcase_auth_id,
        data: row.data,
        snapshotAt: row.snapshot_at,
      };
    },
    async save(snapshot) {
      await guard(() => saveSnapshot(pool, snapshot));
    },
  };
}

export function createPostgresWebhookRepository(pool: pg.Pool): WebhookRepository {
  return {
    async isRecorded(eventKey) {
      const result = await guard(() =>
        pool.query('SELECT 1 FROM webhook_events WHERE event_key = $1', [eventKey]),
      );
      return result.rowCount === 1;
    },
    async recordOnce(event, effects) {
      return guard(() =>
        inTransaction(pool, async (client): Promise<WebhookRecordOutcome> => {
          // A concurrent delivery of the same key waits here for the first to commit, then does nothing.
          const inserted = await client.query(
            `INSERT INTO webhook_events (event_key, kind, transaction_id, smallcase_auth_id, received_at, payload)
             VALUES ($1, $2, $3, $4, $5, $6::jsonb)
             ON CONFLICT (event_key) DO NOTHING`,
            [
              event.eventKey,
              event.kind,
              event.transactionId,
              event.smallcaseAuthId,
              event.receivedAt,
              JSON.stringify(event.payload),
            ],
          );
          if (inserted.rowCount === 0) return { status: 'duplicate' };
          if (effects.transactionUpdate) await updateTransactionWithin(client, effects.transactionUpdate);
          const linkOutcome = effects.link && (await webhookLinkWithin(client, effects.link));
          // After the link: a snapshot for a user the link did not take effect for is not theirs to keep.
          const snapshot = effects.holdingsSnapshot;
          if (snapshot && (await holdsWithin(client, snapshot.partnerUserId, snapshot.smallcaseAuthId))) {
            await saveSnapshot(client, snapshot);
          }
          return linkOutcome ? { status: 'applied', linkOutcome } : { status: 'applied' };
        }),
      );
    },
  };
}
