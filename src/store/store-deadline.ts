import { StoreUnavailableError } from '../errors/app-errors.js';
import type { Store } from './store.js';

/** Rejects with `StoreUnavailableError` when `operation` has not settled within `ms`. */
export function withDeadline<T>(operation: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(new Error(`store call exceeded ${ms} ms`))),
      ms,
    );
  });
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}

function wrapRepository<T extends object>(repository: T, ms: number): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    wrapped[name] =
      typeof member === 'function'
        ? (...args: unknown[]) => withDeadline(Promise.resolve(member.apply(repository, args)), ms)
        : member;
  }
  return wrapped as T;
}

/**
 * A store whose every repository call fails fast with `StoreUnavailableError` after `ms`, so a
 * slow database becomes a clear 503 instead of a request that hangs.
 */
export function withStoreDeadline(store: Store, ms: number): Store {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] = member !== null && typeof member === 'object' ? wrapRepository(member, ms) : member;
  }
  return {
    ...(wrapped as unknown as Store),
    ping: () => withDeadline(store.ping(), ms),
    close: () => store.close(),
  };
}
