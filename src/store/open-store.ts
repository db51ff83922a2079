import type { Logger } from '../observability/logger.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Opens the store named by `DATABASE_URL` (`sqlite:<path>` or `postgres://...`) and migrates it. */
export async function openStore(databaseUrl: string, options: { logger?: Logger } = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) return createSqliteStore(databaseUrl.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Loaded on demand: pg costs a SQLite deployment memory and start-up time for nothing.
    const { createPostgresStore } = await import('./postgres/postgres-store.js');
    return createPostgresStore({ url: databaseUrl, logger: options.logger });
  }
  throw new Error('DATABASE_URL: must be sqlite:<path> or postgres://...');
}
