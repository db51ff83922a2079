import type { RequestHandler } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../errors/app-errors.js';

/**
 * One entry of the route table (`route-table.ts`): how the route is matched, what guards it,
 * what handles it, and the zod schemas it validates with. Mounting, the guards, the OpenAPI
 * document and the metrics route labels all read the same entries, so none can drift.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Rate-limit buckets: the routes naming one bucket share one counter per partner user (per
 * client IP when the session does not verify), `RATE_LIMIT_PER_MINUTE` each minute.
 * `tokens`: `/auth-token` and `/transactions` (both hand a `smallcaseAuthToken` to someone);
 * `link`: `POST` and `DELETE /link`; `reads`: `/holdings` and `/engine/*` (each one or more
 * upstream calls made for the user).
 */
export type RateLimitBucket = 'tokens' | 'link' | 'reads';

/** Body limit of the client routes and of the webhook receiver (the Gateway's payloads are larger). */
export const CLIENT_JSON_LIMIT = '100kb';
export const WEBHOOK_JSON_LIMIT = '1mb';
export type JsonBodyLimit = typeof CLIENT_JSON_LIMIT | typeof WEBHOOK_JSON_LIMIT;

/**
 * What runs before the handler, always in this order: the partner session is resolved, the
 * rate limit counts the request (per user, or per IP for a failed session), a missing or bad
 * session is refused (401), a client IP past its refusal budget is refused (429), then a JSON
 * body is read (415/413/400). So an unauthenticated request is counted, and its body is never read.
 */
export interface RouteGuard {
  /** Requires the verified partner session. */
  readonly session: boolean;
  /** Absent: not rate limited. */
  readonly rateLimit?: RateLimitBucket;
  /**
   * For routes open to anyone that must stay open to their real caller (webhooks): only refused
   * requests (4xx) count, per client IP; past `RATE_LIMIT_PER_MINUTE` a minute, 429 before the
   * body is read.
   */
  readonly refusalBudget?: boolean;
  /** Reads an `application/json` body up to this size; absent: the body is never read. */
  readonly jsonBody?: JsonBodyLimit;
  /** Keeps the body's text beside the parsed body (`rawJsonTextOf`), for a signature over it. */
  readonly keepRawText?: boolean;
}

export interface ResponseSpec {
  readonly description: string;
  /** Absent for bodiless responses (204). */
  readonly body?: z.ZodType;
  /** Defaults to `application/json`. */
  readonly contentType?: string;
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** Express path syntax: `/transactions/:transactionId`, `/engine/*path`. */
  readonly path: string;
  readonly guard: RouteGuard;
  readonly handler: RequestHandler;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success (and other non-problem) responses by status. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Problem codes the handler can answer with; the guard's and `internal` are added. */
  readonly errors: readonly ErrorCode[];
}

/** The public routes' guard: no session, no rate limit, no body. */
export const PUBLIC: RouteGuard = { session: false };

const JSON_BODY_ERRORS: readonly ErrorCode[] = [
  'invalid_request',
  'unsupported_media_type',
  'payload_too_large',
];

/** Problems a guard can answer with before the handler runs. */
export function guardErrors(guard: RouteGuard): ErrorCode[] {
  return [
    ...(guard.session ? (['unauthenticated'] as const) : []),
    ...(guard.rateLimit || guard.refusalBudget ? (['rate_limited'] as const) : []),
    ...(guard.jsonBody ? JSON_BODY_ERRORS : []),
  ];
}

/** Problems of a route that calls the smallcase Gateway. */
export const UPSTREAM_ERRORS: readonly ErrorCode[] = [
  'gateway_error',
  'gateway_unavailable',
  'gateway_timeout',
];
