import type { Store } from '../store.js';
import { guard, openSqliteDatabase } from './sqlite-database.js';
import { createSqliteLinkRepository } from './sqlite-link-repository.js';

/** The embedded store: one SQLite file, for development and single-instance deployments. */
export function createSqliteStore(path: string): Store {
  const db = openSqliteDatabase(path);
  return {
    kind: 'sqlite',
    links: createSqliteLinkRepository(db),
    async ping() {
      guard(() => db.prepare('SELECT 1').get());
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
