import { MemoryStore, type Options, type Store as RateLimitStore } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import type { Logger } from '../observability/logger.js';

export interface FailoverRateLimitStoreOptions {
  readonly redis: Redis;
  readonly logger: Logger;
  /** Key prefix in Redis; one per limiter. */
  readonly prefix?: string;
  /** After a Redis failure, counts stay in memory this long before Redis is tried again. */
  readonly retryAfterMs?: number;
}

/**
 * Rate-limit counters in Redis, shared by every instance. While Redis is unreachable or slow the
 * counters fall back to this instance's memory with the same limit: degraded (each instance
 * allows the limit on its own) but never unlimited, and never waiting on a dead Redis.
 */
export function createFailoverRateLimitStore(options: FailoverRateLimitStoreOptions): RateLimitStore {
  const { redis, logger } = options;
  const retryAfterMs = options.retryAfterMs ?? 5000;
  const shared = new RedisStore({
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
    prefix: options.prefix ?? 'gts:rl:',
  });
  const local = new MemoryStore();
  let limiterOptions: Options | undefined;
  let scriptsLoaded: Promise<void> | undefined;
  let skipRedisUntil = 0;
  let degraded = false;

  const redisUsable = () => redis.status === 'ready' && Date.now() >= skipRedisUntil;

  // rate-limit-redis caches its script-loading promise; a failed load would poison it, so reload after errors.
  const loadScripts = () => {
    if (!limiterOptions) throw new Error('rate-limit store used before init');
    scriptsLoaded ??= shared.init(limiterOptions);
    return scriptsLoaded;
  };

  async function withFailover<T>(onRedis: () => Promise<T>, onMemory: () => Promise<T>): Promise<T> {
    if (redisUsable()) {
      try {
        await loadScripts();
        const result = await onRedis();
        if (degraded) logger.info('rate-limit counters back in Redis');
        degraded = false;
        return result;
      } catch (error) {
        scriptsLoaded = undefined;
        skipRedisUntil = Date.now() + retryAfterMs;
        if (!degraded) {
          logger.warn(
            { cause: { message: (error as Error).message } },
            'rate-limit counters fall back to memory',
          );
        }
        degraded = true;
      }
    }
    return onMemory();
  }

  return {
    localKeys: false,
    prefix: options.prefix ?? 'gts:rl:',
    init(initOptions) {
      limiterOptions = initOptions;
      local.init(initOptions);
      if (redis.status === 'ready') loadScripts().catch(() => (scriptsLoaded = undefined));
    },
    increment: (key) =>
      withFailover(
        () => shared.increment(key),
        () => local.increment(key),
      ),
    decrement: (key) =>
      withFailover(
        () => shared.decrement(key),
        () => local.decrement(key),
      ),
    resetKey: (key) =>
      withFailover(
        () => shared.resetKey(key),
        () => local.resetKey(key),
      ),
    get: (key) =>
      withFailover(
        () => shared.get(key),
        () => local.get(key),
      ),
    shutdown: () => local.shutdown(),
  };
}
