import { createHash } from 'node:crypto';
import { AppError, InvalidRequestError } from '../errors/app-errors.js';
import type { IdempotencyRepository } from '../store/store.js';

const IDEMPOTENCY_TTL_MS = 10 * 60 * 1000;
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

/**
 * Runs `work` at most once per (user, key) within the TTL: a finished result is replayed for
 * the same request, a different request or one still running is a 409 `idempotency_conflict`.
 * A failed attempt releases the key so that the client may retry.
 */
export async function runIdempotent<T>(
  deps: { repository: IdempotencyRepository; now: () => Date },
  scope: { partnerUserId: string; key: string; requestHash: string },
  work: () => Promise<T>,
): Promise<{ body: T; replayed: boolean }> {
  const at = deps.now();
  const claim = await deps.repository.claim({
    ...scope,
    at,
    expiresAt: new Date(at.getTime() + IDEMPOTENCY_TTL_MS),
  });
  if (claim.status !== 'claimed') {
    if (claim.requestHash !== scope.requestHash) {
      throw new AppError('idempotency_conflict', 'This Idempotency-Key was used for a different request.');
    }
    if (claim.status === 'in_progress') {
      throw new AppError('idempotency_conflict', 'A request with this Idempotency-Key is still in progress.');
    }
    // Stored by this same work for this same request hash.
    return { body: claim.body as T, replayed: true };
  }
  const key = { partnerUserId: scope.partnerUserId, key: scope.key };
  let body: T;
  try {
    body = await work();
  } catch (error) {
    await deps.repository.release(key).catch(() => undefined);
    throw error;
  }
  await deps.repository.complete({ ...key, body });
  return { body, replayed: false };
}
