import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { StoreUnavailableError } from '../../src/errors/app-errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { retentionCutoffs, startRetentionJob } from '../../src/retention/retention-job.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { capturedLogLines, createLogCapture } from '../support/log-capture.js';
import { tempSqlitePath, testEnv } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

// Issue 9, item 8: a retention job purges expired idempotency keys, webhook events older than
// their maximum age plus a margin, and finished transactions older than RETENTION_DAYS.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const NOW = new Date('2030-06-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** The service's logger, into the capture that the end-of-file leak check reads. */
function capturedLogger() {
  const from = capturedLogLines().length;
  const logger = createLogger({ level: 'info', destination: createLogCapture() });
  const messages = () =>
    capturedLogLines()
      .slice(from)
      .map((line) => JSON.parse(line) as { level: string; msg: string });
  return { logger, messages };
}

describe('retention job', () => {
  let store: Store;
  let cleanup: () => void;
  beforeEach(() => {
    const file = tempSqlitePath();
    store = createSqliteStore(file.path);
    cleanup = file.cleanup;
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  const transactionUpdated = async (id: string, at: Date) =>
    store.transactions.create({
      transactionId: id,
      partnerUserId: 'retention-user',
      intent: 'CONNECT',
      status: 'COMPLETED',
      createdAt: at,
      expireAt: at,
    });
  const eventReceived = async (key: string, at: Date) =>
    store.webhooks.recordOnce(
      {
        eventKey: key,
        kind: 'transaction',
        transactionId: null,
        smallcaseAuthId: null,
        receivedAt: at,
        payload: {},
      },
      {},
    );
  const keyExpiring = async (key: string, expiresAt: Date) => {
    const scope = { partnerUserId: 'retention-user', key };
    await store.idempotency.claim({ ...scope, requestHash: 'h', at: ago(10 * MINUTE), expiresAt });
    await store.idempotency.complete({ ...scope, body: {}, expiresAt });
  };

  it('purges transactions after RETENTION_DAYS, webhook events after WEBHOOK_MAX_AGE_SECONDS plus an hour, keys at their expiry', async () => {
    const { config } = loadConfig(testEnv({ RETENTION_DAYS: '30', WEBHOOK_MAX_AGE_SECONDS: '86400' }));
    assert.deepEqual(retentionCutoffs(config, NOW), {
      idempotencyExpiredBefore: NOW,
      webhookEventsReceivedBefore: ago(DAY + 60 * MINUTE),
      transactionsUpdatedBefore: ago(30 * DAY),
    });
    await transactionUpdated('TRX_purged', ago(30 * DAY + MINUTE));
    await transactionUpdated('TRX_kept', ago(30 * DAY - MINUTE));
    await eventReceived('event-purged', ago(DAY + 61 * MINUTE));
    await eventReceived('event-kept', ago(DAY + 59 * MINUTE));
    await keyExpiring('key-purged', ago(1000));
    await keyExpiring('key-kept', new Date(NOW.getTime() + 1000));

    const { logger, messages } = capturedLogger();
    const job = startRetentionJob({ retention: store.retention, policy: config, logger, clock: () => NOW });
    try {
      const result = await job.runOnce();
      assert.deepEqual(result, {
        deleted: { idempotencyKeys: 1, webhookEvents: 1, transactions: 1 },
        busy: false,
      });
    } finally {
      await job.stop();
    }
    assert.equal(await store.transactions.findById('TRX_purged'), undefined);
    assert.ok(await store.transactions.findById('TRX_kept'));
    assert.equal(await store.webhooks.isRecorded('event-purged'), false);
    assert.equal(await store.webhooks.isRecorded('event-kept'), true);
    const kept = await store.idempotency.claim({
      partnerUserId: 'retention-user',
      key: 'key-kept',
      requestHash: 'h',
      at: NOW,
      expiresAt: NOW,
    });
    assert.equal(kept.status, 'completed');
    await waitFor('the log line', () => messages().length > 0);
    assert.deepEqual(
      messages().map((line) => line.msg),
      ['retention: expired rows purged'],
    );
  });

  it('runs by itself after the first delay and again at every interval, until stopped', async () => {
    const policy = { retentionDays: 90, webhookMaxAgeSeconds: 3600 };
    await transactionUpdated('TRX_first_run', ago(91 * DAY));
    const job = startRetentionJob({
      retention: store.retention,
      policy,
      logger: capturedLogger().logger,
      clock: () => NOW,
      firstRunDelayMs: 10,
      intervalMs: 20,
    });
    try {
      await waitFor(
        'the first run',
        async () => (await store.transactions.findById('TRX_first_run')) === undefined,
      );
      await transactionUpdated('TRX_later_run', ago(91 * DAY));
      await waitFor(
        'a later run',
        async () => (await store.transactions.findById('TRX_later_run')) === undefined,
      );
    } finally {
      await job.stop();
    }
  });

  it('a failing store is logged, never thrown, and the next run purges', async () => {
    let failures = 1;
    const retention = {
      purgeBatch: (...args: Parameters<Store['retention']['purgeBatch']>) => {
        if (failures-- > 0)
          return Promise.reject(new StoreUnavailableError(new Error('SQLITE_BUSY (injected)')));
        return store.retention.purgeBatch(...args);
      },
    };
    await transactionUpdated('TRX_after_failure', ago(91 * DAY));
    const { logger, messages } = capturedLogger();
    const job = startRetentionJob({
      retention,
      policy: { retentionDays: 90, webhookMaxAgeSeconds: 3600 },
      logger,
      clock: () => NOW,
    });
    try {
      assert.equal(await job.runOnce(), undefined);
      await waitFor('the warning', () => messages().length > 0);
      assert.equal(messages()[0]?.level, 'warn');
      assert.match(messages()[0]?.msg ?? '', /purge failed/);
      assert.equal((await job.runOnce())?.deleted.transactions, 1);
    } finally {
      await job.stop();
    }
  });
});
