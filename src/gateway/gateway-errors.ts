import { AppError } from '../errors/app-errors.js';

const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** The Gateway answered with an error, a redirect, or a body we refuse to read (502). */
export class GatewayError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('gateway_error', message, options);
  }
}

/** The Gateway could not be reached, said it is unavailable, or the circuit is open (503). */
export class GatewayUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super('gateway_unavailable', message, {
      cause: options?.cause,
      retryAfterSeconds: options?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
    });
  }
}

/** The per-call deadline passed before the Gateway answered (504). */
export class GatewayTimeoutError extends AppError {
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super('gateway_timeout', `The Gateway did not answer within ${timeoutMs} ms.`, options);
  }
}
