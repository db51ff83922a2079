import { after, before, describe } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { describeIdempotencyContract } from './contract/idempotency.contract.js';
import { describeLinkContract } from './contract/links.contract.js';
import { describeRetentionContract } from './contract/retention.contract.js';
import { describeLifecycleContract } from './contract/store-lifecycle.contract.js';
import { describeTransactionContract } from './contract/transactions.contract.js';
import { describeWebhookUnlinkGuardContract } from './contract/webhook-unlink-guard.contract.js';
import { describeWebhookContract } from './contract/webhooks.contract.js';

/** One empty database; every `openStore` opens (and migrates) another store over that same database. */
export interface StoreDatabase {
  openStore(): Promise<Store>;
  dispose(): Promise<void>;
}

/** Lazily bound store shared by the tests of one suite (node:test builds suites before `before` runs). */
export interface StoreRef {
  readonly current: Store;
  readonly database: StoreDatabase;
}

/**
 * The behaviour every `Store` adapter must show, run against SQLite always and PostgreSQL when
 * configured, so the adapters cannot drift apart. Tests use unique ids, so they share one database.
 */
export function describeStoreContract(name: string, createDatabase: () => Promise<StoreDatabase>): void {
  describe(`${name} store contract`, () => {
    let store: Store | undefined;
    let database: StoreDatabase | undefined;
    const ref: StoreRef = {
      get current() {
        if (!store) throw new Error('store not opened');
        return store;
      },
      get database() {
        if (!database) throw new Error('database not created');
        return database;
      },
    };
    before(async () => {
      database = await createDatabase();
      store = await database.openStore();
    });
    after(async () => {
      await store?.close();
      await database?.dispose();
    });
    describeLinkContract(ref);
    describeTransactionContract(ref);
    describeIdempotencyContract(ref);
    describeWebhookContract(ref);
    describeWebhookUnlinkGuardContract(ref);
    describeRetentionContract(ref);
    describeLifecycleContract(ref);
  });
}
