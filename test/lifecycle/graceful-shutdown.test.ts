import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { CANARY_VALUES } from '../support/canaries.js';
import { rememberToken } from '../support/log-capture.js';
import { dropTestSchema, freshSchemaName, TEST_DATABASE_URL } from '../support/postgres-test-schema.js';
import { type SpawnedService, spawnService } from '../support/spawn-service.js';
import { buildTestApp, tempSqlitePath } from '../support/test-app.js';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

// Sends the headers and the first byte of `{}` now, the last byte on `finish`: a request held in flight.
function slowAuthToken(agent: Agent, port: number, session: string) {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/auth-token',
    agent,
    headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json', 'content-length': 2 },
  });
  const answered = new Promise<Answer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
  });
  // Observed later through Promise.all; this only keeps an early failure from being "unhandled".
  answered.catch(() => {});
  const sent = new Promise<void>((resolve, reject) =>
    req.write('{', (error) => (error ? reject(error) : resolve())),
  );
  return { sent, answered, finish: () => req.end('}') };
}

async function readinessAfterSignal(port: number): Promise<number | 'refused'> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.status,
      () => 'refused' as const,
    );
    if (status !== 200) return status;
    await delay(100);
  }
  return 200;
}

interface Backing {
  readonly env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const backings: { name: string; skip: string | false; create(): Backing }[] = [
  {
    name: 'SQLite',
    skip: false,
    create() {
      const sqlite = tempSqlitePath();
      return { env: { DATABASE_URL: `sqlite:${sqlite.path}` }, cleanup: async () => sqlite.cleanup() };
    },
  },
  {
    name: 'PostgreSQL and Redis',
    skip:
      TEST_DATABASE_URL && TEST_REDIS_URL ? false : 'TEST_DATABASE_URL and TEST_REDIS_URL are not both set',
    create() {
      const schema = freshSchemaName();
      const url = new URL(TEST_DATABASE_URL ?? '');
      url.searchParams.set('schema', schema);
      return {
        env: { DATABASE_URL: url.toString(), REDIS_URL: TEST_REDIS_URL },
        cleanup: () => dropTestSchema(TEST_DATABASE_URL ?? '', schema),
      };
    },
  },
];

for (const backing of backings) {
  describe(`SIGTERM with 100 slow requests in flight (${backing.name})`, { skip: backing.skip }, () => {
    describeSigterm(backing);
  });
}

function describeSigterm(backingSpec: (typeof backings)[number]): void {
  const sessions = buildTestApp();
  let backing: Backing | undefined;
  let service: SpawnedService;
  before(async () => {
    backing = backingSpec.create();
    service = await spawnService({ ...backing.env, RATE_LIMIT_PER_MINUTE: '100000' });
  });
  after(async () => {
    await service?.kill();
    await sessions.close();
    await backing?.cleanup();
  });

  it('turns unready, finishes all 100 with 200, closes idle keep-alive sockets and exits 0', async () => {
    const idleAgent = new Agent({ keepAlive: true });
    const busyAgent = new Agent({ keepAlive: true, maxSockets: 100 });
    // Three idle keep-alive sockets that nobody will close from the client side.
    const idle = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<number>((resolve, reject) =>
            request({ host: '127.0.0.1', port: service.port, path: '/healthz', agent: idleAgent }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            })
              .on('error', reject)
              .end(),
          ),
      ),
    );
    assert.deepEqual(idle, [200, 200, 200]);

    const slow = Array.from({ length: 100 }, (_, index) =>
      slowAuthToken(busyAgent, service.port, sessions.session(`shutdown-user-${index}`)),
    );
    await Promise.all(slow.map((request) => request.sent));
    // The server accepts connections in order and had every slow request's headers before this
    // connection opened: once it is answered, all 100 are in flight (no fixed sleep needed).
    const probe = await new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port: service.port, path: '/healthz', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end(),
    );
    assert.equal(probe, 200);

    service.child.kill('SIGTERM');
    const readiness = await readinessAfterSignal(service.port);
    assert.ok(readiness === 503 || readiness === 'refused', `readiness after SIGTERM: ${readiness}`);

    for (const request of slow) request.finish();
    const answers = await Promise.all(slow.map((request) => request.answered));
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.body);
      assert.equal(answer.connection, 'close', 'the socket is released right after the response');
      const token = JSON.parse(answer.body).smallcaseAuthToken;
      assert.equal(typeof token, 'string');
      rememberToken(token);
    }

    const exit = await service.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, service.output().slice(-2000));
    assert.match(service.output(), /"msg":"stopped"/);
    for (const secret of CANARY_VALUES) assert.equal(service.output().includes(secret), false);
    for (const answer of answers) {
      assert.equal(service.output().includes(JSON.parse(answer.body).smallcaseAuthToken), false);
    }
    assert.doesNotMatch(service.output(), /close failed|grace period exceeded/);
    idleAgent.destroy();
    busyAgent.destroy();
  });
}
