import type { Logger } from '../observability/logger.js';
import type { PurgeCounts, RetentionCutoffs, RetentionRepository } from '../store/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// A webhook is refused once its timestamp is older than the maximum age, and a timestamp may lie
// up to 5 minutes ahead of its arrival; an hour also covers instances whose clocks disagree. Past
// that, a redelivery is refused anyway, so its event row is no longer needed to recognise it.
const WEBHOOK_EVENT_MARGIN_MS = 60 * 60 * 1000;
const BATCH_SIZE = 500;
// At most this many batches per run (~ 100 000 rows of each kind); a larger backlog is finished
// by the next runs, so one run never holds the store for long.
const MAX_BATCHES_PER_RUN = 200;
const DEFAULT_FIRST_RUN_DELAY_MS = 60_000;
const DEFAULT_INTERVAL_MS = 60 * 60 * 1000;

export interface RetentionPolicy {
  /** `RETENTION_DAYS`: finished transactions are kept this long after their last change. */
  readonly retentionDays: number;
  /** `WEBHOOK_MAX_AGE_SECONDS`: how old a webhook may be and still be accepted. */
  readonly webhookMaxAgeSeconds: number;
}

export interface PurgeResult {
  readonly deleted: PurgeCounts;
  /** Another instance was purging; it finishes the work. */
  readonly busy: boolean;
}

/** What may be deleted at `now`. */
export function retentionCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoffs {
  const at = now.getTime();
  return {
    idempotencyExpiredBefore: now,
    webhookEventsReceivedBefore: new Date(at - policy.webhookMaxAgeSeconds * 1000 - WEBHOOK_EVENT_MARGIN_MS),
    transactionsUpdatedBefore: new Date(at - policy.retentionDays * DAY_MS),
  };
}

/** Deletes in batches until nothing is left past the cutoffs (or the per-run cap is reached). */
export async function purgeExpired(
  retention: RetentionRepository,
  cutoffs: RetentionCutoffs,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<PurgeResult> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const maxBatches = options.maxBatches ?? MAX_BATCHES_PER_RUN;
  const deleted = { idempotencyKeys: 0, webhookEvents: 0, transactions: 0 };
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const outcome = await retention.purgeBatch(cutoffs, batchSize);
    if (outcome.status === 'busy') return { deleted, busy: true };
    deleted.idempotencyKeys += outcome.deleted.idempotencyKeys;
    deleted.webhookEvents += outcome.deleted.webhookEvents;
    deleted.transactions += outcome.deleted.transactions;
    if (Math.max(...Object.values(outcome.deleted)) < batchSize) break;
  }
  return { deleted, busy: false };
}

export interface RetentionJob {
  /** One purge now (the timer's runs go through here too); never rejects. */
  runOnce(): Promise<PurgeResult | undefined>;
  /** No further runs; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Purges expired idempotency keys, old webhook events and finished transactions: first after
 * `firstRunDelayMs` (not during start-up), then every `intervalMs`. Safe on every instance at
 * once. A failing store is logged and tried again at the next interval.
 */
export function startRetentionJob(deps: {
  retention: RetentionRepository;
  policy: RetentionPolicy;
  logger: Pick<Logger, 'info' | 'warn'>;
  clock?: () => Date;
  firstRunDelayMs?: number;
  intervalMs?: number;
}): RetentionJob {
  const clock = deps.clock ?? (() => new Date());
  let stopped = false;
  let running: Promise<PurgeResult | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const run = async (): Promise<PurgeResult | undefined> => {
    try {
      const result = await purgeExpired(deps.retention, retentionCutoffs(deps.policy, clock()));
      const total = Object.values(result.deleted).reduce((sum, count) => sum + count, 0);
      if (total > 0) deps.logger.info({ deleted: result.deleted }, 'retention: expired rows purged');
      return result;
    } catch (error) {
      deps.logger.warn(
        { cause: { message: error instanceof Error ? error.message : String(error) } },
        'retention: purge failed; trying again at the next run',
      );
      return undefined;
    }
  };
  const runOnce = () => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().then(() => schedule(deps.intervalMs ?? DEFAULT_INTERVAL_MS));
    }, delayMs);
    timer.unref();
  };
  schedule(deps.firstRunDelayMs ?? DEFAULT_FIRST_RUN_DELAY_MS);

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
