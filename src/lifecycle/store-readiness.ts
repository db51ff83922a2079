import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';

/** Whether the store can take this instance's writes now; `/readyz` asks it on every probe. */
export interface StoreReadiness {
  isWritable(): Promise<boolean>;
}

/**
 * Probes `store.checkWritable()`. Logs once when the store stops taking writes (with the cause,
 * so an operator sees *why* the pod left the load balancer) and once when it recovers, never on
 * every probe.
 */
export function createStoreReadiness(
  store: Pick<Store, 'checkWritable'>,
  logger: Pick<Logger, 'warn' | 'info'>,
): StoreReadiness {
  let failing = false;
  return {
    async isWritable() {
      try {
        await store.checkWritable();
      } catch (error) {
        if (!failing) {
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
          logger.warn(
            { cause: { message: cause instanceof Error ? cause.message : String(cause) } },
            'store cannot be written: readiness fails',
          );
        }
        failing = true;
        return false;
      }
      if (failing) logger.info('store writable again: ready');
      failing = false;
      return true;
    },
  };
}
