/**
 * Operational errors with a stable `code` (docs/security.md, "Error codes"). Modules below `http/` throw
 * these; only the HTTP error handler knows which status each code maps to.
 */
export type ErrorCode =
  | 'unauthenticated'
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'broker_not_linked'
  | 'already_linked'
  | 'smallcase_account_in_use'
  | 'transaction_not_complete'
  | 'idempotency_conflict'
  | 'rate_limited'
  | 'gateway_error'
  | 'gateway_unavailable'
  | 'gateway_timeout'
  | 'store_unavailable'
  | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Seconds a client should wait before retrying, for the codes that carry `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'A valid partner session is required.') {
    super('unauthenticated', message);
  }
}

export class InvalidRequestError extends AppError {
  constructor(message: string) {
    super('invalid_request', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.') {
    super('not_found', message);
  }
}

export class StoreUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('store_unavailable', 'The data store is unavailable; try again shortly.', {
      cause,
      retryAfterSeconds: 5,
    });
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 'Too many requests; slow down.', { retryAfterSeconds });
  }
}
