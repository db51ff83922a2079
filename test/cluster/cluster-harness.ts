import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type RunningEmulator, startGatewayEmulator } from '../../src/emulator/gateway-emulator.js';
import { createLogCapture } from '../support/log-capture.js';
import { testEnv } from '../support/test-app.js';
import { type ClusterClient, createClusterClient } from './cluster-client.js';
import { type ClusterInstance, startInstance } from './cluster-instance.js';
import { type ServiceEntry, serviceEntry } from './service-entry.js';

export interface ClusterSettings {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly size: number;
  readonly rateLimitPerMinute: number;
}

export interface Cluster {
  readonly entry: ServiceEntry;
  /** This run's PostgreSQL schema (dropped by `close`). */
  readonly schema: string;
  /** The environment every instance got (canary secrets, the emulator as upstream). */
  readonly env: Readonly<Record<string, string>>;
  readonly emulator: RunningEmulator;
  readonly instances: readonly ClusterInstance[];
  readonly client: ClusterClient;
  /** A partner user id unique to this run; its rate-limit keys in Redis are deleted by `close`. */
  userId(name: string): string;
  /** Runs SQL against this run's schema (table names unqualified). */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Kills every instance, closes the emulator and clients, deletes this run's Redis keys and schema. */
  close(): Promise<void>;
}

interface Cleanup {
  readonly name: string;
  readonly run: () => Promise<unknown> | unknown;
}

async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  const failures: string[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup.run();
    } catch (error) {
      failures.push(`${cleanup.name}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`cluster clean-up failed:\n${failures.join('\n')}`);
}

/** Deletes only the keys that carry this run's user ids (other test files share the Redis). */
async function deleteRunKeys(redis: Redis, runTag: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 10_000; round += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${runTag}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

function withSchema(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`test environment lacks ${name}`);
  return value;
}

/**
 * Starts `size` real service processes on free loopback ports against one fresh PostgreSQL
 * schema, one Redis and one in-process Gateway emulator. Anything started is stopped again if
 * a later step fails.
 */
export async function startCluster(settings: ClusterSettings): Promise<Cluster> {
  const cleanups: Cleanup[] = [];
  const runTag = `cluster-${randomBytes(5).toString('hex')}-`;
  const schema = `gts_cluster_${randomBytes(6).toString('hex')}`;
  try {
    const cwd = mkdtempSync(join(tmpdir(), 'gts-cluster-'));
    cleanups.push({ name: 'temp directory', run: () => rmSync(cwd, { recursive: true, force: true }) });

    const db = new pg.Client({
      connectionString: settings.databaseUrl,
      connectionTimeoutMillis: 5000,
      statement_timeout: 10_000,
      query_timeout: 15_000,
    });
    await db.connect().catch((error: Error) => {
      throw new Error(`TEST_DATABASE_URL unreachable: ${error.message}`);
    });
    cleanups.push({ name: 'PostgreSQL client', run: () => db.end() });
    cleanups.push({
      name: 'PostgreSQL schema',
      run: () => db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    });

    const redis = new Redis(settings.redisUrl, {
      connectTimeout: 5000,
      commandTimeout: 5000,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    let redisError: Error | undefined;
    redis.on('error', (error: Error) => {
      redisError = error;
    });
    cleanups.push({ name: 'Redis client', run: () => redis.disconnect(false) });
    await redis.connect().catch((error: Error) => {
      throw new Error(`TEST_REDIS_URL unreachable: ${(redisError ?? error).message}`);
    });
    cleanups.push({ name: 'Redis keys', run: () => deleteRunKeys(redis, runTag) });

    const env = testEnv({
      DATABASE_URL: withSchema(settings.databaseUrl, schema),
      REDIS_URL: settings.redisUrl,
      RATE_LIMIT_PER_MINUTE: String(settings.rateLimitPerMinute),
      DEV_LOGIN: 'false',
    }) as Record<string, string>;
    const emulator = await startGatewayEmulator({
      gatewayName: required(env, 'GATEWAY_NAME'),
      gatewaySecret: required(env, 'GATEWAY_SECRET'),
      apiSecret: required(env, 'GATEWAY_API_SECRET'),
    });
    cleanups.push({ name: 'emulator', run: () => emulator.close() });
    env.GATEWAY_API_URL = emulator.url;

    const client = createClusterClient({ partnerJwtSecret: required(env, 'PARTNER_JWT_SECRET') });
    cleanups.push({ name: 'HTTP client', run: () => client.close() });

    const entry = serviceEntry();
    const logSink = createLogCapture();
    const started = await Promise.allSettled(
      Array.from({ length: settings.size }, (_, index) =>
        startInstance({ name: String.fromCharCode(65 + index), entry, env, cwd, logSink }),
      ),
    );
    const instances: ClusterInstance[] = [];
    for (const result of started) {
      if (result.status === 'fulfilled') {
        instances.push(result.value);
        cleanups.push({ name: `instance ${result.value.name}`, run: () => result.value.kill() });
      }
    }
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    // The instances created the schema while migrating.
    await db.query(`SET search_path TO "${schema}"`);

    return {
      entry,
      schema,
      env,
      emulator,
      instances,
      client,
      userId: (name) => `${runTag}${name}`,
      async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
        const result = await db.query<T>(text, values);
        return result.rows;
      },
      close: () => runCleanups(cleanups),
    };
  } catch (error) {
    await runCleanups(cleanups).catch(() => undefined);
    throw error;
  }
}
