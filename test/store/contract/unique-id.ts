import { randomUUID } from 'node:crypto';

/** Ids unique per test, so contract tests can share one database without seeing each other's rows. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** A whole-second time, so both adapters (text ISO vs timestamptz) round-trip it exactly. */
export function at(offsetSeconds = 0): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000 + offsetSeconds * 1000);
}
