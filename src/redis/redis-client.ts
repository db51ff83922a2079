import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/** Short on purpose: a rate-limit check must never hold a request up for long. */
const REDIS_TIMEOUTS = {
  connectTimeoutMs: 1000,
  commandTimeoutMs: 500,
  /** A connection with an unanswered command and no data for this long is dropped and redialled. */
  socketTimeoutMs: 2000,
  maxReconnectDelayMs: 2000,
  quitTimeoutMs: 1000,
} as const;

/**
 * A Redis client that fails fast instead of queueing: commands are refused at once while the
 * connection is down, and it keeps redialling in the background. Logs one warning per outage.
 */
export function createRedisClient(options: { url: string; logger: Logger }): Redis {
  const redis = new Redis(options.url, {
    connectionName: 'gateway-token-service',
    connectTimeout: REDIS_TIMEOUTS.connectTimeoutMs,
    commandTimeout: REDIS_TIMEOUTS.commandTimeoutMs,
    socketTimeout: REDIS_TIMEOUTS.socketTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 200, REDIS_TIMEOUTS.maxReconnectDelayMs),
  });
  let down = false;
  redis.on('error', (error: Error & { code?: string }) => {
    if (down) return;
    down = true;
    options.logger.warn(
      { cause: { message: error.message, code: error.code } },
      'Redis unreachable: rate limits fall back to per-instance memory',
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    options.logger.info('Redis reachable again: rate limits shared');
  });
  return redis;
}

/** Sends QUIT (bounded wait), then drops the socket and stops redialling. */
export async function closeRedisClient(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, REDIS_TIMEOUTS.quitTimeoutMs);
    });
    await Promise.race([redis.quit().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
  redis.disconnect(false);
}
