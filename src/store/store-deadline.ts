import { AppError, StoreUnavailableError } from '../errors/app-errors.js';
import type { Store } from './store.js';

/** Rejects with `StoreUnavailableError` when `operation` has not settled within `ms`. */
function withDeadline<T>(operation: Promise<T>, ms: number): Promise<T> {
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

type Around = <T>(operation: Promise<T>) => Promise<T>;

function wrapRepository<T extends object>(repository: T, around: Around): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    wrapped[name] =
      typeof member === 'function'
        ? (...args: unknown[]) => around(Promise.resolve(member.apply(repository, args)))
        : member;
  }
  return wrapped as T;
}

function wrapStore(store: Store, around: Around): Store {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] = member !== null && typeof member === 'object' ? wrapRepository(member, around) : member;
  }
  return {
    ...(wrapped as unknown as Store),
    ping: () => around(store.ping()),
    checkWritable: () => around(store.checkWritable()),
    close: () => store.close(),
  };
}

/**
 * A store whose every repository call fails fast with `StoreUnavailableError` after `ms`, so a
 * slow database becomes a clear 503 instead of a request that hangs. `onFailure` sees every
 * failed or late call (the store error metric). Only for an asynchronous driver (PostgreSQL):
 * a synchronous one returns before a timer could fire.
 */
export function withStoreDeadline(store: Store, ms: number, onFailure?: FailureObserver): Store {
  return wrapStore(store, (operation) => observed(withDeadline(operation, ms), onFailure));
}

/** A store whose failed calls `onFailure` sees (the store error metric), with no deadline. */
export function observeStoreFailures(store: Store, onFailure: FailureObserver): Store {
  return wrapStore(store, (operation) => observed(operation, onFailure));
}
