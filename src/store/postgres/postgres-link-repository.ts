import type pg from 'pg';
import type { LinkOutcome, LinkRepository, NewLink, WebhookLink, WebhookLinkOutcome } from '../store.js';
import { type LinkRow, linkFromRow } from '../store-rows.js';
import { guard, inTransaction, type Queryable } from './postgres-database.js';

// A conflicting row can vanish between the INSERT and the re-read (a concurrent unlink): try again.
const LINK_ATTEMPTS = 3;

async function selectOne(db: Queryable, text: string, value: string): Promise<LinkRow | undefined> {
  return (await db.query<LinkRow>(text, [value])).rows[0];
}

async function recordEvent(db: Queryable, link: NewLink, event: 'linked' | 'unlinked'): Promise<void> {
  await db.query(
    `INSERT INTO link_events (partner_user_id, smallcase_auth_id, event, broker, at)
     VALUES ($1, $2, $3, $4, $5)`,
    [link.partnerUserId, link.smallcaseAuthId, event, link.broker, link.at],
  );
}

/**
 * Links inside a transaction the caller holds. The unique constraints decide races: the INSERT
 * waits for a concurrent one on the same key and then does nothing, and the re-read says who won.
 */
async function linkWithin(client: pg.PoolClient, newLink: NewLink): Promise<LinkOutcome> {
  for (let attempt = 0; attempt < LINK_ATTEMPTS; attempt += 1) {
    const mine = await selectOne(
      client,
      'SELECT * FROM links WHERE partner_user_id = $1 FOR UPDATE',
      newLink.partnerUserId,
    );
    if (mine && mine.smallcase_auth_id !== newLink.smallcaseAuthId) {
      return { status: 'user_already_linked', link: linkFromRow(mine) };
    }
    if (mine) {
      const refreshed = await client.query<LinkRow>(
        `UPDATE links SET broker = COALESCE($2, broker), updated_at = $3
          WHERE partner_user_id = $1 RETURNING *`,
        [newLink.partnerUserId, newLink.broker, newLink.at],
      );
      return { status: 'unchanged', link: linkFromRow(refreshed.rows[0] as LinkRow) };
    }
    const inserted = await client.query<LinkRow>(
      `INSERT INTO links (partner_user_id, smallcase_auth_id, broker, linked_at, updated_at)
       VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING RETURNING *`,
      [newLink.partnerUserId, newLink.smallcaseAuthId, newLink.broker, newLink.at],
    );
    if (inserted.rows[0]) {
      await recordEvent(client, newLink, 'linked');
      return { status: 'linked', link: linkFromRow(inserted.rows[0]) };
    }
    const owner = await selectOne(
      client,
      'SELECT * FROM links WHERE smallcase_auth_id = $1',
      newLink.smallcaseAuthId,
    );
    if (owner && owner.partner_user_id !== newLink.partnerUserId) return { status: 'account_in_use' };
    // Otherwise a concurrent call linked this user first: the next pass sees that row.
  }
  throw new Error('link did not settle after concurrent changes');
}

async function unlinkedSince(client: pg.PoolClient, partnerUserId: string, since: Date): Promise<boolean> {
  const found = await client.query(
    `SELECT 1 FROM link_events WHERE partner_user_id = $1 AND event = 'unlinked' AND at >= $2 LIMIT 1`,
    [partnerUserId, since],
  );
  return found.rowCount === 1;
}

/**
 * `linkWithin` for a webhook, refused when the owner unlinked at or after `notUnlinkedSince`.
 * The guard is read after the link: `linkWithin` waits for a concurrent unlink of the user's row,
 * and only a statement run after that wait sees its event (READ COMMITTED). When the guard
 * refuses, the link is rolled back to the savepoint.
 */
export async function webhookLinkWithin(
  client: pg.PoolClient,
  newLink: WebhookLink,
): Promise<WebhookLinkOutcome> {
  const since = newLink.notUnlinkedSince;
  if (!since) return linkWithin(client, newLink);
  await client.query('SAVEPOINT webhook_link');
  const outcome = await linkWithin(client, newLink);
  if (await unlinkedSince(client, newLink.partnerUserId, since)) {
    await client.query('ROLLBACK TO SAVEPOINT webhook_link');
    return { status: 'unlinked_since' };
  }
  await client.query('RELEASE SAVEPOINT webhook_link');
  return outcome;
}

/** Whether the user is linked to that account now, inside the caller's transaction. */
export async function holdsWithin(
  client: pg.PoolClient,
  partnerUserId: string,
  smallcaseAuthId: string,
): Promise<boolean> {
  const found = await client.query(
    'SELECT 1 FROM links WHERE partner_user_id = $1 AND smallcase_auth_id = $2',
    [partnerUserId, smallcaseAuthId],
  );
  return found.rowCount === 1;
}

export function createPostgresLinkRepository(pool: pg.Pool): LinkRepository {
  return {
    async findByUser(partnerUserId) {
      const row = await guard(() =>
        selectOne(pool, 'SELECT * FROM links WHERE partner_user_id = $1', partnerUserId),
      );
      return row ? linkFromRow(row) : undefined;
    },
    async findByAccount(smallcaseAuthId) {
      const row = await guard(() =>
        selectOne(pool, 'SELECT * FROM links WHERE smallcase_auth_id = $1', smallcaseAuthId),
      );
      return row ? linkFromRow(row) : undefined;
    },
    async link(newLink) {
      return guard(() => inTransaction(pool, (client) => linkWithin(client, newLink)));
    },
    async unlink(partnerUserId, at) {
      return guard(() =>
        inTransaction(pool, async (client) => {
          const removed = await selectOne(
            client,
            'DELETE FROM links WHERE partner_user_id = $1 RETURNING *',
            partnerUserId,
          );
          if (!removed) return false;
          await recordEvent(
            client,
            { partnerUserId, smallcaseAuthId: removed.smallcase_auth_id, broker: removed.broker, at },
            'unlinked',
          );
          return true;
        }),
      );
    },
  };
}
