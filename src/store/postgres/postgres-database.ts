import pg from 'pg';
import { AppError, StoreUnavailableError } from '../../errors/app-errors.js';
import type { Logger } from '../../observability/logger.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

export type Queryable = pg.Pool | pg.PoolClient;

/** Pool and timeout settings; every one bounded so a dead or slow database can never hang a request. */
export interface PostgresPoolSettings {
  /** Connections per instance; size it so instances x max stays under the server's max_connections. */
  readonly max: number;
  /** Wait for a free pooled connection or a new TCP/TLS connection. */
  readonly connectionTimeoutMillis: number;
  readonly idleTimeoutMillis: number;
  /** Server-side `statement_timeout`, under the 2 s request deadline so the connection is freed with it. */
  readonly statementTimeoutMs: number;
  /** Client-side deadline per query, a little above the server's and under the request's, for a silent network. */
  readonly queryTimeoutMs: number;
  readonly idleInTransactionTimeoutMs: number;
  /** Start-up migrations may wait on another instance's lock, so they get a longer deadline. */
  readonly migrationTimeoutMs: number;
}

export const POSTGRES_POOL_DEFAULTS: PostgresPoolSettings = {
  max: 10,
  connectionTimeoutMillis: 1900,
  idleTimeoutMillis: 30_000,
  statementTimeoutMs: 1500,
  queryTimeoutMs: 1900,
  idleInTransactionTimeoutMs: 10_000,
  migrationTimeoutMs: 60_000,
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Splits an optional `?schema=` parameter off the URL (pg would pass it on as an unknown setting). */
export function splitSchema(url: string): { url: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

export function createPool(options: {
  url: string;
  schema: string | undefined;
  applicationName: string;
  settings: PostgresPoolSettings;
  logger?: Logger | undefined;
}): pg.Pool {
  const { schema, settings } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error('PostgreSQL schema name must be lowercase letters, digits and "_"');
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    application_name: options.applicationName,
    max: settings.max,
    connectionTimeoutMillis: settings.connectionTimeoutMillis,
    idleTimeoutMillis: settings.idleTimeoutMillis,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.queryTimeoutMs,
    idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its connection (failover, restart) emits here; without a listener it would crash the process.
  pool.on('error', (error: Error & { code?: string }) => {
    options.logger?.warn(
      { cause: { message: error.message, code: error.code } },
      'PostgreSQL idle connection lost',
    );
  });
  return pool;
}

/** Runs a store operation, turning driver failures into `StoreUnavailableError`. */
export async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new StoreUnavailableError(error);
  }
}

/**
 * Runs `work` with a client checked out of the pool. pg-pool drops its own error listener for
 * the length of a checkout, so a backend that dies between two queries (failover, restart,
 * `pg_terminate_backend`, `idle_in_transaction_session_timeout`) would emit an unhandled
 * `'error'` and end the process; here it is caught, and the broken client is destroyed rather
 * than returned to the pool.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost ??= error;
  };
  const client = await checkOut(pool, onError);
  try {
    const result = await work(client);
    client.release(lost ?? false);
    return result;
  } catch (error) {
    // A timed-out query may still be running on this connection: destroy it rather than roll back and reuse.
    client.release(error instanceof Error ? error : true);
    throw error;
  } finally {
    client.off('error', onError);
  }
}

/**
 * `pool.connect` with `onError` attached in the same tick as the checkout. With the promise form
 * the listener would come a microtask later, after the rest of the socket read that completed a
 * new connection: a termination arriving in that same read would find no listener.
 */
function checkOut(pool: pg.Pool, onError: (error: Error) => void): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client) => {
      if (error || client === undefined) {
        reject(error ?? new Error('PostgreSQL pool returned no client'));
        return;
      }
      client.on('error', onError);
      resolve(client);
    });
  });
}

/** Runs `work` in one database transaction; a failed transaction's connection is discarded, not reused. */
export function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  });
}

/**
 * Applies pending migrations in one transaction holding a transaction-level advisory lock, so
 * instances starting together queue up and exactly one applies each version.
 */
export async function migrate(pool: pg.Pool, schema: string | undefined, timeoutMs: number): Promise<void> {
  await inTransaction(pool, async (client) => {
    // pg honours a per-query `query_timeout` that its type definitions do not declare.
    const run = (text: string, values?: unknown[]) =>
      client.query({ text, values, query_timeout: timeoutMs } as pg.QueryConfig);
    await run(`SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}`);
    await run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `gateway-token-service:migrations:${schema ?? 'search_path'}`,
    ]);
    if (schema !== undefined) await run(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = await run('SELECT version FROM schema_migrations');
    const versions = new Set(applied.rows.map((row: { version: number }) => row.version));
    for (const migration of POSTGRES_MIGRATIONS) {
      if (versions.has(migration.version)) continue;
      await run(migration.sql);
      await run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
  });
}
