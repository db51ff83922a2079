/** Five minutes: the Gateway's default transaction lifetime (docs/gateway.md). */
export const DEFAULT_TRANSACTION_TTL_MS = 5 * 60 * 1000;

// The kinds the Gateway's model gives a longer lifetime for. "15 min for some transaction kinds" names
// none, so those are set per intent with `POST /__emulator/expiry`.
const GATEWAY_LIFETIMES_MS: Readonly<Record<string, number>> = {
  ONBOARDING: 30 * 60 * 1000,
  SUBSCRIPTION: 45 * 60 * 1000,
};

/** Lifetimes per intent: the Gateway's, with overrides set by a test or developer. */
export interface TransactionLifetimes {
  lifetimeMs(intent: string): number;
  set(intent: string, ms: number): void;
  reset(): void;
}

export function createTransactionLifetimes(): TransactionLifetimes {
  const overrides = new Map<string, number>();
  return {
    lifetimeMs: (intent) =>
      overrides.get(intent) ?? GATEWAY_LIFETIMES_MS[intent] ?? DEFAULT_TRANSACTION_TTL_MS,
    set: (intent, ms) => {
      overrides.set(intent, ms);
    },
    reset: () => overrides.clear(),
  };
}
