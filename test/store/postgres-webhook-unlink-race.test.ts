import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import {
  dropTestSchema,
  freshSchemaName,
  SKIP_WITHOUT_POSTGRES,
  TEST_DATABASE_URL,
} from '../support/postgres-test-schema.js';
import { waitFor } from '../support/wait-for.js';

describe('PostgreSQL: a webhook link racing the user unlinking', { skip: SKIP_WITHOUT_POSTGRES }, () => {
  const url = TEST_DATABASE_URL ?? '';
  const schema = freshSchemaName();
  const applicationName = `gts-unlink-race-${schema}`;
  let store: Store;
  before(async () => {
    store = await createPostgresStore({ url, schema, applicationName });
  });
  after(async () => {
    await store.close();
    await dropTestSchema(url, schema);
  });

  /** Resolves once one of this store's connections waits for a row lock. */
  async function storeWaitsForLock(observer: pg.Client): Promise<void> {
    await waitFor('the webhook transaction to wait for the unlink', async () => {
      const waiting = await observer.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [applicationName],
      );
      return Boolean(waiting.rowCount);
    });
  }

  it('an unlink that commits while the webhook waits for the user row still wins', async () => {
    const [user, account] = ['race-user', 'race-account'];
    const created = new Date(Date.now() - 60_000);
    await store.links.link({ partnerUserId: user, smallcaseAuthId: account, broker: 'kite', at: created });

    const unlinking = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await unlinking.connect();
    try {
      // The same statements DELETE /link runs, held open so that the webhook meets them in flight.
      await unlinking.query('BEGIN');
      await unlinking.query('DELETE FROM links WHERE partner_user_id = $1', [user]);
      await unlinking.query(
        `INSERT INTO link_events (partner_user_id, smallcase_auth_id, event, broker, at)
         VALUES ($1, $2, 'unlinked', 'kite', now())`,
        [user, account],
      );
      const late = store.webhooks.recordOnce(
        {
          eventKey: 'race-event',
          kind: 'transaction',
          transactionId: null,
          smallcaseAuthId: account,
          receivedAt: new Date(),
          payload: {},
        },
        {
          link: {
            partnerUserId: user,
            smallcaseAuthId: account,
            broker: 'kite',
            at: new Date(),
            notUnlinkedSince: created,
          },
        },
      );
      await storeWaitsForLock(unlinking);
      await unlinking.query('COMMIT');
      assert.deepEqual(await late, { status: 'applied', linkOutcome: { status: 'unlinked_since' } });
    } finally {
      await unlinking.end();
    }
    assert.equal(await store.links.findByUser(user), undefined);
    assert.equal(await store.webhooks.isRecorded('race-event'), true);
  });
});
