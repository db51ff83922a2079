import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

export interface BenchUser {
  readonly partnerUserId: string;
  readonly smallcaseAuthId: string;
}

async function linkIn(store: Store, user: BenchUser): Promise<void> {
  const outcome = await store.links.link({ ...user, broker: 'kite', at: new Date() });
  if (outcome.status !== 'linked' && outcome.status !== 'unchanged') {
    throw new Error(`could not link the bench user: ${outcome.status}`);
  }
}

/** Writes the link row into the SQLite file the service will open (migrating it first). */
export async function linkInSqlite(path: string, user: BenchUser): Promise<void> {
  const store = createSqliteStore(path);
  try {
    await linkIn(store, user);
  } finally {
    await store.close();
  }
}

/** Same for PostgreSQL, through whatever `openStore` supports; throws if it cannot. */
export async function linkInPostgres(databaseUrl: string, user: BenchUser): Promise<() => Promise<void>> {
  const { openStore } = await import('../../src/store/open-store.js');
  const store = await openStore(databaseUrl);
  try {
    await linkIn(store, user);
  } finally {
    await store.close();
  }
  return async () => {
    const cleanup = await openStore(databaseUrl);
    try {
      await cleanup.links.unlink(user.partnerUserId, new Date());
    } finally {
      await cleanup.close();
    }
  };
}
