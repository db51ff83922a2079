import type { Store } from '../store.js';
import { guard, openSqliteDatabase } from './sqlite-database.js';
import { createSqliteIdempotencyRepository } from './sqlite-idempotency-repository.js';
import { createSqliteLinkRepository } from './sqlite-link-repository.js';
import { createSqliteRetentionRepository } from './sqlite-retention-repository.js';
import { createSqliteTransactionRepository } from './sqlite-transaction-repository.js';
import {
  createSqliteHoldingsRepository,
  createSqliteWebhookRepository,
} from './sqlite-webhook-repository.js';
import { createSqliteWriteProbe } from './sqlite-write-probe.js';

/** The embedded store: one SQLite file, for development and single-instance deployments. */
export function createSqliteStore(path: string): Store {
  const db = openSqliteDatabase(path);
  const links = createSqliteLinkRepository(db);
  const transactions = createSqliteTransactionRepository(db);
  const holdings = createSqliteHoldingsRepository(db);
  const ping = db.prepare('SELECT 1');
  const probeWrite = createSqliteWriteProbe(db, path);
  return {
    kind: 'sqlite',
    links,
    transactions,
    idempotency: createSqliteIdempotencyRepository(db),
    webhooks: createSqliteWebhookRepository(db, { links, transactions, holdings }),
    holdings,
    retention: createSqliteRetentionRepository(db),
    async ping() {
      guard(() => ping.get());
    },
    async checkWritable() {
      guard(probeWrite);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
