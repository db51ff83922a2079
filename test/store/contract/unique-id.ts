import { randomUUID } from 'node:crypto';

/** Ids unique per test, so contract tests can share one database without seeing each other's rows. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

// One fixed whole second per run: times compare exactly however long a test takes.
const BASE_MS = Math.floor(Date.now() / 1000) * 1000;

/** A time `offsetSeconds` after a fixed base, exactly representable by both adapters. */
export function at(offsetSeconds = 0): Date {
  return new Date(BASE_MS + offsetSeconds * 1000);
}
