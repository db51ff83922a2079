import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { signWebhook } from '../../src/webhooks/webhook-checksum.js';
import { CANARY } from '../support/canaries.js';
import { startTestEmulator } from '../support/gateway-emulator.js';
import {
  dropTestSchema,
  freshSchemaName,
  SKIP_WITHOUT_POSTGRES,
  TEST_DATABASE_URL,
} from '../support/postgres-test-schema.js';
import { type SpawnedService, spawnService } from '../support/spawn-service.js';

const LOAD_MS = 8000;
const WORKERS = 6;
const TERMINATE_EVERY_MS = 120;

interface Answer {
  readonly route: string;
  readonly status: number;
  readonly code: string | undefined;
}

/**
 * A failover, a restart or `idle_in_transaction_session_timeout` ends backends while the pool has
 * clients checked out; the process must survive it with a 503 for the requests that lose it.
 */
describe('PostgreSQL backends terminated while transactional routes run', {
  skip: SKIP_WITHOUT_POSTGRES,
}, () => {
  const url = TEST_DATABASE_URL ?? '';
  const schema = freshSchemaName();
  // Our own application name, so the test terminates only this service's backends.
  const applicationName = `gts_fault_${randomBytes(4).toString('hex')}`;
  let emulator: RunningEmulator;
  let service: SpawnedService;
  let admin: pg.Client;

  before(async () => {
    emulator = await startTestEmulator();
    const database = new URL(url);
    database.searchParams.set('schema', schema);
    database.searchParams.set('application_name', applicationName);
    service = await spawnService({
      DATABASE_URL: database.toString(),
      GATEWAY_API_URL: emulator.url,
      LOG_LEVEL: 'warn',
      DEV_LOGIN: 'true',
    });
    admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await admin.connect();
  });

  after(async () => {
    await service?.kill();
    await admin?.end();
    await emulator?.close();
    await dropTestSchema(url, schema);
  });

  it('keeps the process alive, answers 2xx or 503 store_unavailable, and a journey works right after', async () => {
    const answers: Answer[] = [];
    const stopAt = Date.now() + LOAD_MS;
    let terminated = 0;
    const killer = (async () => {
      while (Date.now() < stopAt && service.child.exitCode === null) {
        const result = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        terminated += result.rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, TERMINATE_EVERY_MS));
      }
    })();
    const workers = Array.from({ length: WORKERS }, (_, worker) =>
      (async () => {
        for (let round = 0; Date.now() < stopAt && service.child.exitCode === null; round++) {
          answers.push(...(await oneRound(service, emulator, `user-${worker}-${round}`)));
        }
      })(),
    );
    await Promise.all([killer, ...workers]);

    assert.equal(service.child.exitCode, null, `the service exited:\n${service.output().slice(-3000)}`);
    assert.ok(terminated >= 10, `terminated ${terminated} backends`);
    const unexpected = answers.filter(
      (answer) => !(answer.status < 300 || (answer.status === 503 && answer.code === 'store_unavailable')),
    );
    assert.deepEqual(unexpected, [], 'only 2xx and 503 store_unavailable');
    assert.ok(
      answers.some((answer) => answer.status === 503),
      'some requests lost their backend (else the test proved nothing)',
    );
    assert.ok(answers.filter((answer) => answer.status < 300).length > 20, 'most requests succeeded');

    await fullJourney(service, emulator, 'after-the-storm');
  });
});

async function oneRound(
  service: SpawnedService,
  emulator: RunningEmulator,
  userId: string,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  const session = await devSession(service, userId);
  const created = await call(service, 'POST /transactions', '/transactions', {
    method: 'POST',
    headers: { ...session, 'idempotency-key': `k-${userId}` },
    body: { intent: 'CONNECT' },
  });
  answers.push(created.answer);
  const transactionId = created.body?.transactionId;
  if (typeof transactionId !== 'string') return answers;
  await completeUpstream(emulator, transactionId, `SCA_${userId}`);
  const webhook = signWebhook(
    CANARY.gatewayApiSecret,
    { timestamp: Math.floor(Date.now() / 1000), smallcaseAuthId: `SCA_${userId}`, transactionId },
    { intent: 'CONNECT', status: 'COMPLETED' },
  );
  answers.push(
    (await call(service, 'POST /webhooks', '/webhooks/smallcase', { method: 'POST', body: webhook })).answer,
  );
  answers.push((await call(service, 'DELETE /link', '/link', { method: 'DELETE', headers: session })).answer);
  return answers;
}

async function fullJourney(
  service: SpawnedService,
  emulator: RunningEmulator,
  userId: string,
): Promise<void> {
  const session = await devSession(service, userId);
  const created = await call(service, 'POST /transactions', '/transactions', {
    method: 'POST',
    headers: session,
    body: { intent: 'CONNECT' },
  });
  assert.equal(created.answer.status, 201);
  const transactionId = String(created.body?.transactionId);
  await completeUpstream(emulator, transactionId, `SCA_${userId}`);
  const linked = await call(service, 'POST /link', '/link', {
    method: 'POST',
    headers: session,
    body: { transactionId },
  });
  assert.equal(linked.answer.status, 200, JSON.stringify(linked.body));
  const token = await call(service, 'GET /auth-token', '/auth-token', { headers: session });
  assert.equal(token.answer.status, 200);
  assert.equal(token.body?.userType, 'connected');
}

async function devSession(service: SpawnedService, userId: string): Promise<Record<string, string>> {
  const login = await call(service, 'POST /dev/session', '/dev/session', {
    method: 'POST',
    body: { userId },
  });
  return { authorization: `Bearer ${String(login.body?.sessionToken)}` };
}

async function completeUpstream(emulator: RunningEmulator, transactionId: string, smallcaseAuthId: string) {
  const response = await fetch(`${emulator.url}/__emulator/transactions/${transactionId}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ smallcaseAuthId, broker: 'zerodha' }),
  });
  assert.equal(response.status, 200);
}

async function call(
  service: SpawnedService,
  route: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ answer: Answer; body: Record<string, unknown> | undefined }> {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  }).catch(() => undefined);
  // A dead service shows up in the exit-code assertion with its output, not as a fetch error here.
  if (response === undefined) return { answer: { route, status: 0, code: 'no answer' }, body: undefined };
  const text = await response.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  const code = typeof body?.code === 'string' ? body.code : undefined;
  return { answer: { route, status: response.status, code }, body };
}
