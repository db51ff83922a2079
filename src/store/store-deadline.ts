import { AppError, StoreUnavailableError } from '../errors/app-errors.js';
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

type FailureObserver = () => void;

// Domain outcomes thrown as other AppErrors are not store failures; driver errors and deadlines are.
function observed<T>(operation: Promise<T>, onFailure: FailureObserver | undefined): Promise<T> {
  if (!onFailure) return operation;
  return operation.catch((error: unknown) => {
    if (error instanceof StoreUnavailableError || !(error instanceof AppError)) onFailure();
    throw error;
  });
}

function wrapRepository<T extends object>(repository: T, ms: number, onFailure?: FailureObserver): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    wrapped[name] =
      typeof member === 'function'
        ? (...args: unknown[]) =>
            observed(withDeadline(Promise.resolve(member.apply(repository, args)), ms), onFailure)
        : member;
  }
  return wrapped as T;
}

/**
 * A store whose every repository call fails fast with `StoreUnavailableError` after `ms`, so a
 * slow database becomes a clear 503 instead of a request that hangs. `onFailure` sees every
 * failed or late call (the store error metric).
 */
export function withStoreDeadline(store: Store, ms: number, onFailure?: FailureObserver): Store {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] =
      member !== null && typeof member === 'object' ? wrapRepository(member, ms, onFailure) : member;
  }
  return {
    ...(wrapped as unknown as Store),
    ping: () => observed(withDeadline(store.ping(), ms), onFailure),
    close: () => store.close(),
  };
}
