import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Opens the store named by `DATABASE_URL` (`sqlite:<path>` or `postgres://...`) and migrates it. */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) return createSqliteStore(databaseUrl.slice('sqlite:'.length));
  throw new Error('DATABASE_URL: PostgreSQL support is not built yet');
}
