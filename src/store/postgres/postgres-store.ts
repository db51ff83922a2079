import type { Logger } from '../../observability/logger.js';
import type { Store } from '../store.js';
import {
  createPool,
  guard,
  migrate,
  POSTGRES_POOL_DEFAULTS,
  type PostgresPoolSettings,
  splitSchema,
} from './postgres-database.js';
import { createPostgresIdempotencyRepository } from './postgres-idempotency-repository.js';
import { createPostgresLinkRepository } from './postgres-link-repository.js';
import { createPostgresRetentionRepository } from './postgres-retention-repository.js';
import { createPostgresTransactionRepository } from './postgres-transaction-repository.js';
import {
  createPostgresHoldingsRepository,
  createPostgresWebhookRepository,
} from './postgres-webhook-repository.js';

export interface PostgresStoreOptions {
  /** `postgres://...`; an optional `?schema=name` selects (and creates) the schema holding the tables. */
  readonly url: string;
  /** Overrides the URL's `schema`; tests use a fresh one per run. */
  readonly schema?: string | undefined;
  readonly logger?: Logger | undefined;
  /** Shown in `pg_stat_activity`; defaults to `gateway-token-service`. */
  readonly applicationName?: string | undefined;
  readonly pool?: Partial<PostgresPoolSettings> | undefined;
}

/**
 * The shared store for several instances: a bounded `pg` pool, migrated under an advisory lock
 * before it is returned. Rejects with `StoreUnavailableError` when the database cannot be reached.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const split = splitSchema(options.url);
  const schema = options.schema ?? split.schema;
  const settings = { ...POSTGRES_POOL_DEFAULTS, ...options.pool };
  const pool = createPool({
    url: split.url,
    schema,
    settings,
    logger: options.logger,
    applicationName: options.applicationName ?? 'gateway-token-service',
  });
  try {
    await guard(() => migrate(pool, schema, settings.migrationTimeoutMs));
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed = false;
  return {
    kind: 'postgres',
    links: createPostgresLinkRepository(pool),
    transactions: createPostgresTransactionRepository(pool),
    idempotency: createPostgresIdempotencyRepository(pool),
    webhooks: createPostgresWebhookRepository(pool),
    holdings: createPostgresHoldingsRepository(pool),
    retention: createPostgresRetentionRepository(pool),
    async ping() {
      await guard(() => pool.query('SELECT 1'));
    },
    // Fails on a hot standby, a read-only session or role, or a schema we may no longer write.
    async checkWritable() {
      await guard(() =>
        pool.query(
          `INSERT INTO store_write_probe (id, checked_at) VALUES (1, now())
           ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`,
        ),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
