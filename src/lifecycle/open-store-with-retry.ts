import { setTimeout as delay } from 'node:timers/promises';
import { StoreUnavailableError } from '../errors/app-errors.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';

/**
 * Opens the store, retrying while the database is unreachable (it may come up after this
 * instance, as in a compose stack or a fresh cluster) for up to `timeoutMs`, logging why each
 * attempt failed. Any other error, such as a bad URL, fails at once.
 */
export async function openStoreWithRetry(
  open: () => Promise<Store>,
  options: { logger: Logger; timeoutMs: number; retryDelayMs?: number },
): Promise<Store> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const cause = error.cause as (Error & { code?: string }) | undefined;
      const giveUp = Date.now() + (options.retryDelayMs ?? 1000) >= deadline;
      options.logger.warn(
        { attempt, cause: { message: cause?.message, code: cause?.code } },
        giveUp ? 'store unreachable at start-up; giving up' : 'store unreachable at start-up; retrying',
      );
      if (giveUp) throw error;
      await delay(options.retryDelayMs ?? 1000);
    }
  }
}
