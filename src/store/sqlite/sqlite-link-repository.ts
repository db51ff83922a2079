import type { LinkOutcome, LinkRepository, NewLink, WebhookLink, WebhookLinkOutcome } from '../store.js';
import { type LinkRow, linkFromRow } from '../store-rows.js';
import { guard, type SqliteDatabase } from './sqlite-database.js';

export interface SqliteLinkRepository extends LinkRepository {
  /** Links inside a transaction the caller already holds (webhook effects), honouring the unlink guard. */
  linkWithinTransaction(newLink: WebhookLink): WebhookLinkOutcome;
  /** Whether the user is linked to that account now, inside the caller's transaction. */
  holdsWithinTransaction(partnerUserId: string, smallcaseAuthId: string): boolean;
}

export function createSqliteLinkRepository(db: SqliteDatabase): SqliteLinkRepository {
  const selectByUser = db.prepare<[string], LinkRow>('SELECT * FROM links WHERE partner_user_id = ?');
  const selectByAccount = db.prepare<[string], LinkRow>('SELECT * FROM links WHERE smallcase_auth_id = ?');
  const insertLink = db.prepare(
    `INSERT INTO links (partner_user_id, smallcase_auth_id, broker, linked_at, updated_at)
     VALUES (@partnerUserId, @smallcaseAuthId, @broker, @at, @at)
     ON CONFLICT DO NOTHING`,
  );
  const refreshBroker = db.prepare(
    'UPDATE links SET broker = COALESCE(@broker, broker), updated_at = @at WHERE partner_user_id = @partnerUserId',
  );
  const deleteLink = db.prepare<[string], LinkRow>('DELETE FROM links WHERE partner_user_id = ? RETURNING *');
  const selectHolds = db.prepare<[string, string], { found: number }>(
    'SELECT 1 AS found FROM links WHERE partner_user_id = ? AND smallcase_auth_id = ?',
  );
  // Times are ISO 8601 UTC text of one fixed width, so text order is time order.
  const selectUnlinkedSince = db.prepare<[string, string], { found: number }>(
    `SELECT 1 AS found FROM link_events
      WHERE partner_user_id = ? AND event = 'unlinked' AND at >= ? LIMIT 1`,
  );
  const recordEvent = db.prepare(
    `INSERT INTO link_events (partner_user_id, smallcase_auth_id, event, broker, at)
     VALUES (@partnerUserId, @smallcaseAuthId, @event, @broker, @at)`,
  );

  const linkAtomically = db.transaction((newLink: NewLink): LinkOutcome => {
    const { partnerUserId, smallcaseAuthId, broker } = newLink;
    const params = { partnerUserId, smallcaseAuthId, broker, at: newLink.at.toISOString() };
    const existing = selectByUser.get(newLink.partnerUserId);
    if (existing && existing.smallcase_auth_id !== newLink.smallcaseAuthId) {
      return { status: 'user_already_linked', link: linkFromRow(existing) };
    }
    if (existing) {
      refreshBroker.run(params);
      return { status: 'unchanged', link: linkFromRow(selectByUser.get(newLink.partnerUserId) as LinkRow) };
    }
    if (insertLink.run(params).changes === 0) {
      const owner = selectByAccount.get(newLink.smallcaseAuthId);
      if (owner && owner.partner_user_id !== newLink.partnerUserId) return { status: 'account_in_use' };
    }
    recordEvent.run({ ...params, event: 'linked' });
    return { status: 'linked', link: linkFromRow(selectByUser.get(newLink.partnerUserId) as LinkRow) };
  });

  const unlinkAtomically = db.transaction((partnerUserId: string, at: Date): boolean => {
    const removed = deleteLink.get(partnerUserId);
    if (!removed) return false;
    recordEvent.run({
      partnerUserId,
      smallcaseAuthId: removed.smallcase_auth_id,
      broker: removed.broker,
      event: 'unlinked',
      at: at.toISOString(),
    });
    return true;
  });

  return {
    linkWithinTransaction(newLink) {
      const since = newLink.notUnlinkedSince;
      if (since && selectUnlinkedSince.get(newLink.partnerUserId, since.toISOString())) {
        return { status: 'unlinked_since' };
      }
      return linkAtomically(newLink);
    },
    holdsWithinTransaction: (partnerUserId, smallcaseAuthId) =>
      selectHolds.get(partnerUserId, smallcaseAuthId) !== undefined,
    async findByUser(partnerUserId) {
      const row = guard(() => selectByUser.get(partnerUserId));
      return row ? linkFromRow(row) : undefined;
    },
    async findByAccount(smallcaseAuthId) {
      const row = guard(() => selectByAccount.get(smallcaseAuthId));
      return row ? linkFromRow(row) : undefined;
    },
    async link(newLink) {
      return guard(() => linkAtomically.immediate(newLink));
    },
    async unlink(partnerUserId, at) {
      return guard(() => unlinkAtomically.immediate(partnerUserId, at));
    },
  };
}
