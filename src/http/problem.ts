import type { Response } from 'express';
import type { ErrorCode } from '../errors/app-errors.js';

const STATUS_AND_TITLE: Record<ErrorCode, [number, string]> = {
  unauthenticated: [401, 'Unauthenticated'],
  invalid_request: [400, 'Invalid request'],
  unsupported_media_type: [415, 'Unsupported media type'],
  payload_too_large: [413, 'Payload too large'],
  not_found: [404, 'Not found'],
  broker_not_linked: [409, 'Broker not linked'],
  already_linked: [409, 'Already linked'],
  smallcase_account_in_use: [409, 'smallcase account in use'],
  transaction_not_complete: [409, 'Transaction not complete'],
  idempotency_conflict: [409, 'Idempotency key conflict'],
  rate_limited: [429, 'Too many requests'],
  gateway_error: [502, 'Gateway error'],
  gateway_unavailable: [503, 'Gateway unavailable'],
  gateway_timeout: [504, 'Gateway timeout'],
  store_unavailable: [503, 'Store unavailable'],
  internal: [500, 'Internal error'],
};

/** Every problem code, in the contract's order (for the OpenAPI document). */
export const PROBLEM_CODES = Object.keys(STATUS_AND_TITLE) as ErrorCode[];

export function statusOf(code: ErrorCode): number {
  return STATUS_AND_TITLE[code][0];
}

/**
 * The RFC 9457 body for a code; `status` overrides the code's own only where the HTTP layer
 * needs a more precise one (431 from Node's parser).
 */
export function problemBody(problem: {
  code: ErrorCode;
  detail: string;
  requestId: string;
  status?: number;
}) {
  const [codeStatus, title] = STATUS_AND_TITLE[problem.code];
  const status = problem.status ?? codeStatus;
  return {
    type: `urn:gateway-token-service:problem:${problem.code}`,
    title,
    status,
    detail: problem.detail,
    code: problem.code,
    requestId: problem.requestId,
  };
}

/** Writes an RFC 9457 problem details response with the contract's stable `code`. */
export function sendProblem(
  res: Response,
  problem: { code: ErrorCode; detail: string; retryAfterSeconds?: number | undefined },
): void {
  const body = problemBody({
    code: problem.code,
    detail: problem.detail,
    requestId: String(res.req.id ?? ''),
  });
  if (problem.retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(problem.retryAfterSeconds));
  // An error is about this request only: no cache (or shared proxy) may keep it.
  res.setHeader('Cache-Control', 'no-store');
  res.status(body.status).type('application/problem+json').json(body);
}
