/** The web SDK's rejections: `Error.message` is the name, `Error.code` the number (README, Frontend integration). */
export interface SdkError {
  readonly name: string;
  readonly code: number;
}

export const SDK_ERRORS = {
  invalidJwt: { name: 'invalid_jwt', code: 90 },
  invalidGateway: { name: 'invalid_gateway', code: 100 },
  userMismatch: { name: 'user_mismatch', code: 1001 },
  consentDenied: { name: 'consent_denied', code: 1003 },
  expiredDuringFlow: { name: 'transaction_expired', code: 1005 },
  noBroker: { name: 'no_broker', code: 1006 },
  userCancelled: { name: 'user_cancelled', code: 1010 },
  internalError: { name: 'internal_error', code: 2000 },
  intentNotEnabled: { name: 'intent_not_enabled_for_broker', code: 3000 },
  expiredBeforeTrigger: { name: 'transaction_expired', code: 3001 },
  invalidTransactionId: { name: 'invalid_transactionId', code: 3002 },
  timedOut: { name: 'timed_out', code: 4003 },
  marketClosed: { name: 'market_closed', code: 4004 },
} as const satisfies Record<string, SdkError>;

/** Errors a test may ask `next-outcome: error` to end with (by SDK name); `internal_error` by default. */
export const SIMULATED_ERRORS: ReadonlyMap<string, SdkError> = new Map(
  [
    SDK_ERRORS.internalError,
    SDK_ERRORS.invalidJwt,
    SDK_ERRORS.userMismatch,
    SDK_ERRORS.consentDenied,
    SDK_ERRORS.noBroker,
    SDK_ERRORS.intentNotEnabled,
    SDK_ERRORS.timedOut,
    SDK_ERRORS.marketClosed,
  ].map((error) => [error.name, error]),
);
