import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { StoreUnavailableError } from '../../src/errors/app-errors.js';
import type { Logger } from '../../src/observability/logger.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/postgres-migrations.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  dropTestSchema,
  freshSchemaName,
  SKIP_WITHOUT_POSTGRES,
  TEST_DATABASE_URL,
} from '../support/postgres-test-schema.js';
import { freePort } from '../support/spawn-service.js';
import { waitFor } from '../support/wait-for.js';
import { describeStoreContract } from './store-contract.js';

if (TEST_DATABASE_URL === undefined) {
  describe('PostgreSQL store contract', { skip: SKIP_WITHOUT_POSTGRES }, () => {});
} else {
  const url = TEST_DATABASE_URL;
  describeStoreContract('PostgreSQL', async () => {
    const schema = freshSchemaName();
    return {
      openStore: () => createPostgresStore({ url, schema }),
      dispose: () => dropTestSchema(url, schema),
    };
  });
}

describe('PostgreSQL start-up', { skip: SKIP_WITHOUT_POSTGRES }, () => {
  const url = TEST_DATABASE_URL ?? '';
  const schema = freshSchemaName();
  after(() => dropTestSchema(url, schema));

  it('three instances starting together on a fresh schema apply each migration exactly once', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore({ url, schema })));
    await Promise.all(stores.map((store) => store.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const applied = await client.query(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      );
      assert.deepEqual(
        applied.rows.map((row) => row.version),
        POSTGRES_MIGRATIONS.map((migration) => migration.version),
      );
    } finally {
      await client.end();
    }
  });

  it('two instances (separate pools) linking one account for different users at once keep exactly one link', async () => {
    const instances = await Promise.all([1, 2].map(() => createPostgresStore({ url, schema })));
    try {
      for (let round = 0; round < 10; round += 1) {
        const account = `sc-two-pools-${round}`;
        const at = new Date();
        const outcomes = await Promise.all(
          instances.map((store, index) =>
            store.links.link({
              partnerUserId: `pool-${index}-round-${round}`,
              smallcaseAuthId: account,
              broker: null,
              at,
            }),
          ),
        );
        assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['account_in_use', 'linked']);
      }
    } finally {
      await Promise.all(instances.map((store) => store.close()));
    }
  });

  it('refuses a schema name that is not a plain identifier, without touching the database', async () => {
    await assert.rejects(createPostgresStore({ url, schema: 'public; DROP TABLE links' }), /schema name/);
  });

  it('takes the schema from a ?schema= URL parameter', async () => {
    const store = await createPostgresStore({ url: `${url}?schema=${schema}` });
    try {
      const at = new Date();
      await store.links.link({
        partnerUserId: 'url-schema-user',
        smallcaseAuthId: 'sc-url',
        broker: null,
        at,
      });
      const direct = await createPostgresStore({ url, schema });
      assert.equal((await direct.links.findByUser('url-schema-user'))?.smallcaseAuthId, 'sc-url');
      await direct.close();
    } finally {
      await store.close();
    }
  });

  it('opening against a port where nothing listens rejects with StoreUnavailableError', async () => {
    const unreachable = new URL(url);
    unreachable.hostname = '127.0.0.1';
    unreachable.port = String(await freePort());
    await assert.rejects(
      createPostgresStore({ url: unreachable.toString(), schema: freshSchemaName() }),
      StoreUnavailableError,
    );
  });
});

describe('PostgreSQL connections dropped by the server', { skip: SKIP_WITHOUT_POSTGRES }, () => {
  it('logs the lost idle connections instead of crashing, and the next call reconnects', async () => {
    const url = TEST_DATABASE_URL ?? '';
    const schema = freshSchemaName();
    const warnings: string[] = [];
    const logger = {
      warn: (_fields: unknown, message: string) => warnings.push(message),
    } as unknown as Logger;
    // Its own application name, so only this store's connections are killed, not other test files'.
    const applicationName = `gts-test-${schema}`;
    const store = await createPostgresStore({ url, schema, logger, applicationName });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await store.ping();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = $1`,
        [applicationName],
      );
      await waitFor('the lost-connection warning', () => warnings.length > 0);
      assert.deepEqual(warnings.slice(0, 1), ['PostgreSQL idle connection lost']);
      assert.equal(await store.links.findByUser('after-the-drop'), undefined);
    } finally {
      await admin.end();
      await store.close();
      await dropTestSchema(url, schema);
    }
  });
});
