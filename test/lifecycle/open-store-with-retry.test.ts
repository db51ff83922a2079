import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailableError } from '../../src/errors/app-errors.js';
import { openStoreWithRetry } from '../../src/lifecycle/open-store-with-retry.js';
import { createLogger } from '../../src/observability/logger.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { capturedLogLines, createLogCapture } from '../support/log-capture.js';
import { tempSqlitePath } from '../support/test-app.js';

const logger = createLogger({ level: 'info', destination: createLogCapture() });

describe('opening the store at start-up', () => {
  it('keeps trying while the database is unreachable and logs why', async () => {
    const file = tempSqlitePath();
    let attempts = 0;
    const store = await openStoreWithRetry(
      async () => {
        attempts += 1;
        if (attempts < 3)
          throw new StoreUnavailableError(
            Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
          );
        return createSqliteStore(file.path);
      },
      { logger, timeoutMs: 5000, retryDelayMs: 10 },
    );
    await store.ping();
    await store.close();
    file.cleanup();
    assert.equal(attempts, 3);
    logger.flush();
    const retries = capturedLogLines().filter((line) =>
      line.includes('store unreachable at start-up; retrying'),
    );
    assert.equal(retries.length, 2);
    assert.match(retries[0] ?? '', /ECONNREFUSED/);
  });

  it('gives up with StoreUnavailableError once the start-up time is spent', async () => {
    let attempts = 0;
    const unreachable = async () => {
      attempts += 1;
      throw new StoreUnavailableError(new Error('timeout expired'));
    };
    await assert.rejects(
      openStoreWithRetry(unreachable, { logger, timeoutMs: 100, retryDelayMs: 20 }),
      StoreUnavailableError,
    );
    assert.ok(attempts >= 2 && attempts <= 6, `attempts: ${attempts}`);
  });

  it('does not retry a configuration mistake', async () => {
    let attempts = 0;
    const misconfigured = async () => {
      attempts += 1;
      throw new Error('DATABASE_URL: must be sqlite:<path> or postgres://...');
    };
    await assert.rejects(
      openStoreWithRetry(misconfigured, { logger, timeoutMs: 5000, retryDelayMs: 10 }),
      /DATABASE_URL/,
    );
    assert.equal(attempts, 1);
  });
});
