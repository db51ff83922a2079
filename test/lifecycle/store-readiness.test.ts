import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, renameSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import pg from 'pg';
import request from 'supertest';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { capturedLogLines } from '../support/log-capture.js';
import {
  dropTestSchema,
  freshSchemaName,
  SKIP_WITHOUT_POSTGRES,
  TEST_DATABASE_URL,
} from '../support/postgres-test-schema.js';
import { buildTestApp, tempSqlitePath } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

// Issue 9, item 8: readiness fails when the store cannot WRITE, not only when `SELECT 1` fails.

const readyStatus = async (app: Parameters<typeof request>[0]) => (await request(app).get('/readyz')).status;

describe('/readyz when the SQLite file cannot be written under the running app', () => {
  it('a deleted database file: 503 although reads still answer', async () => {
    const file = tempSqlitePath();
    const store = createSqliteStore(file.path);
    const testApp = buildTestApp({ deps: { store } });
    try {
      assert.equal(await readyStatus(testApp.app), 200);
      rmSync(file.path);
      await store.ping();
      const notReady = await request(testApp.app).get('/readyz');
      assert.equal(notReady.status, 503);
      assert.deepEqual(notReady.body, { status: 'unavailable', reason: 'store unreachable or not writable' });
      await request(testApp.app).get('/healthz').expect(200);
      assert.ok(
        capturedLogLines().some(
          (line) => line.includes('store cannot be written') && line.includes('deleted or replaced'),
        ),
        'one warning names the cause',
      );
    } finally {
      await testApp.close();
      await store.close();
      file.cleanup();
    }
  });

  it('a file replaced by another one (a restore under the running app): 503', async () => {
    const file = tempSqlitePath();
    const store = createSqliteStore(file.path);
    const testApp = buildTestApp({ deps: { store } });
    const other = tempSqlitePath();
    try {
      await createSqliteStore(other.path).close();
      renameSync(other.path, file.path);
      assert.equal(await readyStatus(testApp.app), 503);
    } finally {
      await testApp.close();
      await store.close();
      file.cleanup();
      other.cleanup();
    }
  });

  it('a file made read-only: 503, and ready again once it is writable', async () => {
    const file = tempSqlitePath();
    const store = createSqliteStore(file.path);
    const testApp = buildTestApp({ deps: { store } });
    try {
      chmodSync(file.path, 0o444);
      await store.ping();
      assert.equal(await readyStatus(testApp.app), 503);
      chmodSync(file.path, 0o644);
      assert.equal(await readyStatus(testApp.app), 200);
      assert.ok(capturedLogLines().some((line) => line.includes('store writable again')));
    } finally {
      await testApp.close();
      await store.close();
      file.cleanup();
    }
  });
});

describe('/readyz when PostgreSQL stops taking writes', { skip: SKIP_WITHOUT_POSTGRES }, () => {
  it('sessions that come back read-only (a failover onto a replica): 503 although SELECT 1 answers, 200 once writable', async () => {
    const url = TEST_DATABASE_URL ?? '';
    const schema = freshSchemaName();
    // A role of this test's own, so that making its sessions read-only touches nobody else.
    const role = `gts_test_ro_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT CREATE ON DATABASE "${new URL(url).pathname.slice(1)}" TO ${role}`);
    const asRole = new URL(url);
    asRole.username = role;
    asRole.password = '';
    const store = await createPostgresStore({ url: asRole.toString(), schema });
    const testApp = buildTestApp({ deps: { store } });
    // The server closes the role's sessions, as a failover does; the pool reconnects on the next call.
    const failOver = async () => {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      await waitFor('the old sessions to end', async () => {
        const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE usename = $1', [role]);
        return left.rowCount === 0;
      });
    };
    try {
      assert.equal(await readyStatus(testApp.app), 200);
      await admin.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
      await failOver();
      await waitFor(
        'readiness to notice the read-only sessions',
        async () => (await readyStatus(testApp.app)) === 503,
      );
      await store.ping();
      assert.equal(await readyStatus(testApp.app), 503, 'still not ready on a healthy read-only connection');

      await admin.query(`ALTER ROLE ${role} RESET default_transaction_read_only`);
      await failOver();
      await waitFor('readiness to come back', async () => (await readyStatus(testApp.app)) === 200);
    } finally {
      await testApp.close();
      await store.close();
      await dropTestSchema(url, schema);
      await admin.query(`DROP OWNED BY ${role}`);
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });
});
