import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { createLogger } from '../../src/observability/logger.js';
import { createFailoverRateLimitStore } from '../../src/redis/failover-rate-limit-store.js';
import { closeRedisClient, createRedisClient } from '../../src/redis/redis-client.js';
import { capturedLogLines, createLogCapture, rememberToken } from '../support/log-capture.js';
import { freePort } from '../support/spawn-service.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const skip = TEST_REDIS_URL ? false : 'TEST_REDIS_URL is not set: Redis rate-limit tests skipped';
const logger = createLogger({ level: 'info', destination: createLogCapture() });
const prefix = `gts-test:${randomBytes(6).toString('hex')}:`;

async function connected(redis: Redis): Promise<Redis> {
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

// One service instance whose rate limit counts in the given Redis.
function instance(redis: Redis, perMinute: number, retryAfterMs?: number): TestApp {
  const rateLimitStoreFor = (bucket: string) =>
    createFailoverRateLimitStore({ redis, logger, prefix: `${prefix}${bucket}:`, retryAfterMs });
  return buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(perMinute) }, deps: { rateLimitStoreFor } });
}

async function authToken(
  app: TestApp,
  userId: string,
): Promise<{ status: number; ms: number; code?: string }> {
  const started = Date.now();
  const response = await request(app.app)
    .post('/auth-token')
    .set(bearer(app.session(userId)));
  if (response.status === 200) rememberToken(response.body.smallcaseAuthToken);
  if (response.status === 429) assert.ok(Number(response.headers['retry-after']) >= 1, 'Retry-After on 429');
  return { status: response.status, ms: Date.now() - started, code: response.body.code };
}

describe('rate limits shared through Redis', { skip }, () => {
  const clients: Redis[] = [];
  const apps: TestApp[] = [];
  const client = (url: string) => {
    const redis = createRedisClient({ url, logger });
    clients.push(redis);
    return redis;
  };
  const track = (app: TestApp) => {
    apps.push(app);
    return app;
  };
  after(async () => {
    const cleaner = await connected(client(TEST_REDIS_URL ?? ''));
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(clients.map((redis) => closeRedisClient(redis)));
  });

  it('a limit of 5 per minute holds across two instances sharing Redis, not 10', async () => {
    const first = track(instance(await connected(client(TEST_REDIS_URL ?? '')), 5));
    const second = track(instance(await connected(client(TEST_REDIS_URL ?? '')), 5));
    const statuses: number[] = [];
    for (let index = 0; index < 12; index += 1) {
      statuses.push((await authToken(index % 2 === 0 ? first : second, 'shared-limit-user')).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('with Redis unreachable, each instance still limits on its own and no request waits on Redis', async () => {
    const app = track(instance(client(`redis://127.0.0.1:${await freePort()}`), 3));
    const answers = [];
    for (let index = 0; index < 5; index += 1) answers.push(await authToken(app, 'no-redis-user'));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200, 429, 429],
    );
    assert.equal(answers[4]?.code, 'rate_limited');
    for (const answer of answers) assert.ok(answer.ms < 1500, `answered after ${answer.ms} ms`);
  });

  it('when Redis stops answering mid-window, requests stay limited, and once it is back counts are shared again', async () => {
    const redisUrl = new URL(TEST_REDIS_URL ?? '');
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    try {
      const viaProxyUrl = new URL(redisUrl);
      viaProxyUrl.hostname = '127.0.0.1';
      viaProxyUrl.port = String(proxy.port);
      const viaProxy = await connected(client(viaProxyUrl.toString()));
      const flaky = track(instance(viaProxy, 4, 200));
      const steady = track(instance(await connected(client(TEST_REDIS_URL ?? '')), 4));
      const user = 'outage-user';
      assert.deepEqual(
        [(await authToken(flaky, user)).status, (await authToken(flaky, user)).status],
        [200, 200],
      );

      proxy.blackhole();
      const during = [];
      for (let index = 0; index < 6; index += 1) during.push(await authToken(flaky, user));
      assert.deepEqual(
        during.map((answer) => answer.status),
        [200, 200, 200, 200, 429, 429],
        'counted in memory against the same limit',
      );
      for (const answer of during) assert.ok(answer.ms < 1500, `answered after ${answer.ms} ms`);

      const backInRedis = () =>
        capturedLogLines().filter((line) => line.includes('rate-limit counters back in Redis')).length;
      const backBefore = backInRedis();
      proxy.restore();
      // Probes as other users (their own keys) until the flaky instance has redialled, its retry window
      // has passed and it counts in Redis again: the moment its store logs that it is back.
      let probes = 0;
      await waitFor(
        'the flaky instance to count in Redis again',
        async () => {
          await authToken(flaky, `outage-probe-${probes++}`);
          return backInRedis() > backBefore;
        },
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      const after = [
        await authToken(flaky, user),
        await authToken(steady, user),
        await authToken(steady, user),
      ];
      assert.deepEqual(
        after.map((answer) => answer.status),
        [200, 200, 429],
        'hits 3 and 4 in Redis, then the shared limit',
      );
    } finally {
      await proxy.close();
    }
  });
});
