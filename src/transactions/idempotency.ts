import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, InvalidRequestError } from '../errors/app-errors.js';
import type { Logger } from '../observability/logger.js';
import type { IdempotencyRepository } from '../store/store.js';

const IDEMPOTENCY_TTL_MS = 10 * 60 * 1000;
const DEFAULT_POLL_MS = 50;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/** Validates an `Idempotency-Key` header value; undefined when the header is absent. */
export function parseIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!KEY_SHAPE.test(raw)) {
    throw new InvalidRequestError('header Idempotency-Key: must be 1-255 visible ASCII characters');
  }
  return raw;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Hash of a validated request, independent of key order. */
export function requestHash(request: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');
}

export interface IdempotencyDeps {
  readonly repository: IdempotencyRepository;
  readonly now: () => Date;
  /** How long a request waits for an earlier one with its key that is still running. */
  readonly waitMs: number;
  /**
   * How long a claim whose outcome was never stored blocks its key (a crash, or a store failure
   * after the side effect). Past it the side effect is harmless to repeat: the transaction
   * lifetime, after which an orphaned upstream transaction can no longer be used.
   */
  readonly leaseMs: number;
  /** Pause between looks at the store while waiting; defaults to 50 ms. */
  readonly pollMs?: number;
  readonly logger: Pick<Logger, 'warn'>;
}

/** The work behind a key: a side effect that must happen at most once, and its local record. */
export interface IdempotentWork<T> {
  /** The side effect (the upstream create); a failure here frees the key for a retry. */
  perform(): Promise<T>;
  /**
   * Records the result locally. Runs after the result is kept with the key, and again before
   * every replay, so it must be safe to repeat: a record that failed to be written is written by
   * the retry.
   */
  persist(result: T): Promise<void>;
}

/**
 * Runs `work` at most once per (user, key) within the TTL: a finished result is replayed (a
 * different request with a used key gets the first result too, with a warning in the log); a
 * request that finds the key still running waits for that run's result, and claims the key
 * itself if that run failed and released it. Only a wait that outlasts `waitMs` is a 409.
 */
export async function runIdempotent<T>(
  deps: IdempotencyDeps,
  scope: { partnerUserId: string; key: string; requestHash: string; requestId: string },
  work: IdempotentWork<T>,
): Promise<{ body: T; replayed: boolean }> {
  const waitUntil = performance.now() + deps.waitMs;
  const key = { partnerUserId: scope.partnerUserId, key: scope.key };
  for (;;) {
    const at = deps.now();
    const claim = await deps.repository.claim({
      ...key,
      requestHash: scope.requestHash,
      at,
      expiresAt: new Date(at.getTime() + deps.leaseMs),
    });
    if (claim.status === 'claimed') {
      const keepUntil = new Date(at.getTime() + IDEMPOTENCY_TTL_MS);
      return { body: await runClaimed(deps.repository, { ...key, keepUntil }, work), replayed: false };
    }
    if (claim.status === 'completed') {
      if (claim.requestHash !== scope.requestHash) {
        // The key prefix lets an operator find the client; the rest of the key and the body stay out.
        deps.logger.warn(
          { requestId: scope.requestId, keyPrefix: scope.key.slice(0, 4) },
          'Idempotency-Key reused for a different request; replaying the first result',
        );
      }
      await work.persist(claim.body as T);
      return { body: claim.body as T, replayed: true };
    }
    const left = waitUntil - performance.now();
    if (left <= 0) {
      throw new AppError(
        'idempotency_conflict',
        'A request with this Idempotency-Key is still running; retry with the same key later.',
      );
    }
    await sleep(Math.min(deps.pollMs ?? DEFAULT_POLL_MS, left));
  }
}

// A failed side effect releases the key so that a retry (or a request waiting for this one) may
// run. Once it succeeded the key is never released: its result is kept with the key first, so a
// retry replays it (and writes a local record that failed); if even that write fails, the claim
// blocks the key until its lease ends, rather than risking a second upstream transaction.
async function runClaimed<T>(
  repository: IdempotencyRepository,
  key: { partnerUserId: string; key: string; keepUntil: Date },
  work: IdempotentWork<T>,
): Promise<T> {
  const scope = { partnerUserId: key.partnerUserId, key: key.key };
  let result: T;
  try {
    result = await work.perform();
  } catch (error) {
    // A release that fails too (disk full) leaves the claim to its lease.
    await repository.release(scope).catch(() => undefined);
    throw error;
  }
  await repository.complete({ ...scope, body: result, expiresAt: key.keepUntil });
  await work.persist(result);
  return result;
}
