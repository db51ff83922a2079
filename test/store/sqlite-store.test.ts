import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/sqlite-migrations.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempSqlitePath } from '../support/test-app.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', async () => {
  const file = tempSqlitePath();
  return {
    openStore: async () => createSqliteStore(file.path),
    dispose: async () => file.cleanup(),
  };
});

describe('SQLite migrations', () => {
  it('opening the same file three times records each migration once', async () => {
    const file = tempSqlitePath();
    try {
      for (let round = 0; round < 3; round += 1) await createSqliteStore(file.path).close();
      const db = new Database(file.path, { readonly: true });
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      db.close();
      assert.deepEqual(
        versions,
        SQLITE_MIGRATIONS.map((migration) => migration.version),
      );
    } finally {
      file.cleanup();
    }
  });
});
