import type {
  HoldingsSnapshot,
  HoldingsSnapshotRepository,
  WebhookEffects,
  WebhookEvent,
  WebhookRecordOutcome,
  WebhookRepository,
} from '../store.js';
import { guard, type SqliteDatabase } from './sqlite-database.js';
import type { SqliteLinkRepository } from './sqlite-link-repository.js';
import type { SqliteTransactionRepository } from './sqlite-transaction-repository.js';

interface SnapshotRow {
  partner_user_id: string;
  smallcase_auth_id: string;
  data: string;
  snapshot_at: string;
}

export function createSqliteHoldingsRepository(db: SqliteDatabase): HoldingsSnapshotRepository & {
  saveWithinTransaction(snapshot: HoldingsSnapshot): void;
} {
  const select = db.prepare<[string], SnapshotRow>(
    'SELECT * FROM holdings_snapshots WHERE partner_user_id = ?',
  );
  // Keeps the newest snapshot: an older one arriving late never replaces it.
  const upsert = db.prepare(
    `INSERT INTO holdings_snapshots (partner_user_id, smallcase_auth_id, data, snapshot_at)
     VALUES (@partnerUserId, @smallcaseAuthId, @data, @snapshotAt)
     ON CONFLICT (partner_user_id) DO UPDATE
       SET smallcase_auth_id = excluded.smallcase_auth_id, data = excluded.data, snapshot_at = excluded.snapshot_at
       WHERE excluded.snapshot_at >= holdings_snapshots.snapshot_at`,
  );
  const saveWithinTransaction = (snapshot: HoldingsSnapshot) => {
    upsert.run({
      partnerUserId: snapshot.partnerUserId,
      smallcaseAuthId: snapshot.smallcaseAuthId,
      data: JSON.stringify(snapshot.data),
      snapshotAt: snapshot.snapshotAt.toISOString(),
    });
  };
  return {
    saveWithinTransaction,
    async latestFor(partnerUserId) {
      const row = guard(() => select.get(partnerUserId));
      if (!row) return undefined;
      return {
        partnerUserId: row.partner_user_id,
        smallcaseAuthId: row.smallcase_auth_id,
        data: JSON.parse(row.data),
        snapshotAt: new Date(row.snapshot_at),
      };
    },
    async save(snapshot) {
      guard(() => saveWithinTransaction(snapshot));
    },
  };
}

export function createSqliteWebhookRepository(
  db: SqliteDatabase,
  repositories: {
    links: SqliteLinkRepository;
    transactions: SqliteTransactionRepository;
    holdings: ReturnType<typeof createSqliteHoldingsRepository>;
  },
): WebhookRepository {
  const exists = db.prepare<[string], { found: number }>(
    'SELECT 1 AS found FROM webhook_events WHERE event_key = ?',
  );
  const insert = db.prepare(
    `INSERT INTO webhook_events (event_key, kind, transaction_id, smallcase_auth_id, received_at, payload)
     VALUES (@eventKey, @kind, @transactionId, @smallcaseAuthId, @receivedAt, @payload)
     ON CONFLICT (event_key) DO NOTHING`,
  );
  const recordOnce = db.transaction((event: WebhookEvent, effects: WebhookEffects): WebhookRecordOutcome => {
    const inserted = insert.run({
      eventKey: event.eventKey,
      kind: event.kind,
      transactionId: event.transactionId,
      smallcaseAuthId: event.smallcaseAuthId,
      receivedAt: event.receivedAt.toISOString(),
      payload: JSON.stringify(event.payload),
    });
    if (inserted.changes === 0) return { status: 'duplicate' };
    if (effects.transactionUpdate)
      repositories.transactions.updateWithinTransaction(effects.transactionUpdate);
    const linkOutcome = effects.link && repositories.links.linkWithinTransaction(effects.link);
    // After the link: a snapshot for a user the link did not take effect for is not theirs to keep.
    const snapshot = effects.holdingsSnapshot;
    if (
      snapshot &&
      repositories.links.holdsWithinTransaction(snapshot.partnerUserId, snapshot.smallcaseAuthId)
    ) {
      repositories.holdings.saveWithinTransaction(snapshot);
    }
    return linkOutcome ? { status: 'applied', linkOutcome } : { status: 'applied' };
  });
  return {
    async isRecorded(eventKey) {
      return guard(() => exists.get(eventKey) !== undefined);
    },
    async recordOnce(event, effects) {
      return guard(() => recordOnce.immediate(event, effects));
    },
  };
}
