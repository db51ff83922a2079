import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  completeInEmulator,
  linkThrough,
  signedTransactionWebhook,
  startConnect,
  verifiedClaims,
  webhookOutcomes,
} from './cluster-flows.js';
import { type Cluster, startCluster } from './cluster-harness.js';
import type { ClusterInstance } from './cluster-instance.js';
import { driveLoad } from './cluster-load.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const skip =
  TEST_DATABASE_URL && TEST_REDIS_URL
    ? false
    : 'TEST_DATABASE_URL and TEST_REDIS_URL are both needed: multi-instance test skipped';
const RATE_LIMIT = 9;

describe('three instances sharing PostgreSQL, Redis and one Gateway emulator', {
  skip,
  timeout: 240_000,
}, () => {
  let cluster: Cluster;
  let a: ClusterInstance;
  let b: ClusterInstance;
  let c: ClusterInstance;
  before(async () => {
    cluster = await startCluster({
      databaseUrl: TEST_DATABASE_URL ?? '',
      redisUrl: TEST_REDIS_URL ?? '',
      size: 3,
      rateLimitPerMinute: RATE_LIMIT,
    });
    [a, b, c] = cluster.instances as [ClusterInstance, ClusterInstance, ClusterInstance];
  });
  after(() => cluster?.close());

  const authToken = (instance: ClusterInstance, userId: string) =>
    cluster.client.call(instance.url, 'POST', '/auth-token', { userId });
  const gatewaySecret = () => cluster.env.GATEWAY_SECRET ?? '';

  it('a link made through instance A is seen by B and C, and so is its removal', async (t) => {
    t.diagnostic(`instances: ${cluster.entry.kind} (${cluster.entry.reason})`);
    const user = cluster.userId('linker');
    assert.equal((await authToken(b, user)).body.userType, 'guest', 'B sees a guest before the link');

    const { transactionId, reply } = await linkThrough(cluster, a, user, 'SC_CLUSTER_LINKED');
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.userType, 'connected');

    for (const instance of [b, c]) {
      const token = await authToken(instance, user);
      assert.equal(token.status, 200, `${instance.name}: ${JSON.stringify(token.body)}`);
      assert.equal(token.body.userType, 'connected', `${instance.name} sees the link`);
      const claims = verifiedClaims(token.body.smallcaseAuthToken, gatewaySecret());
      assert.equal(
        claims.smallcaseAuthId,
        'SC_CLUSTER_LINKED',
        `${instance.name} mints for the linked account`,
      );
      assert.equal(claims.guest, undefined);
    }
    const details = await cluster.client.call(c.url, 'GET', `/transactions/${transactionId}`, {
      userId: user,
    });
    assert.equal(details.status, 200, 'C knows who created the transaction made through A');
    assert.equal(details.body.status, 'COMPLETED');

    assert.equal((await cluster.client.call(c.url, 'DELETE', '/link', { userId: user })).status, 204);
    assert.equal((await authToken(a, user)).body.userType, 'guest', 'A sees the unlink made through C');
  });

  it(`a limit of ${RATE_LIMIT} per minute holds across the three instances, not ${3 * RATE_LIMIT}`, async () => {
    const user = cluster.userId('limited');
    const answers: string[] = [];
    for (let index = 0; index < RATE_LIMIT; index += 1) {
      const instance = cluster.instances[index % 3] as ClusterInstance;
      answers.push(`${instance.name}:${(await authToken(instance, user)).status}`);
    }
    const refusals = [];
    for (const instance of cluster.instances) {
      const refused = await authToken(instance, user);
      answers.push(`${instance.name}:${refused.status}`);
      refusals.push(refused);
    }
    const expected = [...cluster.instances, ...cluster.instances, ...cluster.instances]
      .map((instance) => `${instance.name}:200`)
      .concat(cluster.instances.map((instance) => `${instance.name}:429`));
    assert.deepEqual(answers, expected);
    for (const refused of refusals) {
      assert.equal(refused.body.code, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) >= 1, 'Retry-After on 429');
    }
  });

  it(`${2 * RATE_LIMIT} simultaneous requests spread over the instances: exactly ${RATE_LIMIT} succeed`, async () => {
    const user = cluster.userId('burst');
    const statuses = await Promise.all(
      Array.from({ length: 2 * RATE_LIMIT }, async (_, index) => {
        const reply = await authToken(cluster.instances[index % 3] as ClusterInstance, user);
        return reply.status;
      }),
    );
    assert.equal(statuses.filter((status) => status === 200).length, RATE_LIMIT, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 429).length, RATE_LIMIT, statuses.join(','));
  });

  it('the same webhook delivered to A and B at once is applied once (three webhooks, each sent twice)', async () => {
    const events = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const user = cluster.userId(`webhook-${n}`);
        const account = `SC_CLUSTER_WEBHOOK_${n}`;
        const transactionId = await startConnect(cluster, a, user);
        await completeInEmulator(cluster, transactionId, account, 'upstox');
        const body = signedTransactionWebhook(cluster.env.GATEWAY_API_SECRET ?? '', {
          transactionId,
          smallcaseAuthId: account,
          broker: 'upstox',
        });
        return { user, account, transactionId, body };
      }),
    );
    const deliver = (instance: ClusterInstance, body: unknown) =>
      cluster.client.call(instance.url, 'POST', '/webhooks/smallcase', { body });

    const before = await webhookOutcomes(cluster, [a, b]);
    const deliveries = await Promise.all(
      events.flatMap((event) => [deliver(a, event.body), deliver(b, event.body)]),
    );
    for (const delivery of deliveries) {
      assert.equal(delivery.status, 200, JSON.stringify(delivery.body));
      assert.deepEqual(delivery.body, { received: true });
    }
    const outcomes = await webhookOutcomes(cluster, [a, b]);
    assert.deepEqual(
      { applied: outcomes.applied - before.applied, duplicate: outcomes.duplicate - before.duplicate },
      { applied: 3, duplicate: 3 },
      'for each webhook one instance applied it and the other saw a duplicate',
    );
    for (const event of events) {
      assert.equal((await deliver(c, event.body)).status, 200, 'a later redelivery to C is answered 200 too');
    }

    const transactionIds = events.map((event) => event.transactionId);
    const rows = await cluster.query<{ transaction_id: string; n: number }>(
      `SELECT transaction_id, count(*)::int AS n FROM webhook_events
       WHERE transaction_id = ANY($1) GROUP BY transaction_id ORDER BY transaction_id`,
      [transactionIds],
    );
    assert.deepEqual(
      rows,
      [...transactionIds].sort().map((transactionId) => ({ transaction_id: transactionId, n: 1 })),
      'one webhook_events row per webhook',
    );
    const links = await cluster.query<{ partner_user_id: string; smallcase_auth_id: string; broker: string }>(
      `SELECT partner_user_id, smallcase_auth_id, broker FROM links
       WHERE smallcase_auth_id = ANY($1) ORDER BY smallcase_auth_id`,
      [events.map((event) => event.account)],
    );
    assert.deepEqual(
      links,
      events.map((event) => ({
        partner_user_id: event.user,
        smallcase_auth_id: event.account,
        broker: 'upstox',
      })),
      'each webhook linked its user once',
    );
    for (const event of events) {
      assert.equal((await authToken(c, event.user)).body.userType, 'connected', 'C mints a connected token');
    }
  });

  it('with C killed (SIGKILL) under load, A and B answer every request', async (t) => {
    const survivors = [a, b];
    let victimRequests = 0;
    let victimStop = false;
    // Keeps C busy until it dies; its own answers are not the point.
    const victimLoad = (async () => {
      for (let index = 0; index < 2000 && c.isRunning() && !victimStop; index += 1) {
        victimRequests += 1;
        await authToken(c, cluster.userId(`victim-${index}`)).catch(() => undefined);
      }
    })();

    const total = 300;
    const report = await driveLoad({
      total,
      concurrency: 6,
      timeBoundMs: 90_000,
      send(index) {
        const target = survivors[index % 2] as ClusterInstance;
        // Gateway reads are rate-limited per user (the reads bucket), so each is made by a user of its own.
        const reply =
          index % 4 < 2
            ? authToken(target, cluster.userId(`load-${index}`))
            : cluster.client.call(target.url, 'GET', '/engine/smallcases?count=1', {
                userId: cluster.userId(`reader-${index}`),
              });
        return { target: target.name, response: reply.then((r) => r.status) };
      },
      midway: { after: total / 3, action: () => c.kill() },
    });
    victimStop = true;
    await victimLoad;

    // Idempotent and bounded: also ends C should the load have stopped before the kill.
    const exit = await c.kill();
    assert.equal(exit?.signal, 'SIGKILL', 'C was killed, not stopped');
    assert.ok(victimRequests > 0, 'C was under load when killed');
    assert.equal(report.stoppedByTimeBound, false, 'the load finished within its time bound');
    assert.equal(report.outcomes.length, total);
    const failures = report.outcomes.filter((outcome) => outcome.status !== 200);
    assert.deepEqual(failures, [], 'no failed request on A or B');
    const afterKill = report.outcomes.filter((outcome) => outcome.afterAction).length;
    t.diagnostic(`${victimRequests} requests sent to C; ${afterKill} of ${total} to A and B after C died`);
    assert.ok(afterKill >= total / 4, `only ${afterKill} requests were sent after C died`);
    await assert.rejects(authToken(c, cluster.userId('after-death')), 'C no longer answers');
    for (const survivor of survivors) {
      const ready = await cluster.client.call(survivor.url, 'GET', '/readyz');
      assert.equal(ready.status, 200, `${survivor.name} still ready`);
    }
  });
});
