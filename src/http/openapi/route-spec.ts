import type { z } from 'zod';
import type { ErrorCode } from '../../errors/app-errors.js';

/**
 * What a route module says about each route it mounts. Routers export a `RouteSpec[]` built
 * from the very zod schemas they validate with; the OpenAPI document, the metrics route
 * labels and the route drift test all read these lists, so there is no second copy to forget.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `partnerSession`: the partner session of the configured mode; `none`: public. */
export type RouteAuth = 'partnerSession' | 'none';

export interface ResponseSpec {
  readonly description: string;
  /** Absent for bodiless responses (204). */
  readonly body?: z.ZodType;
  /** Defaults to `application/json`. */
  readonly contentType?: string;
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /** Express path syntax, exactly as mounted: `/transactions/:transactionId`, `/engine/*path`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly auth: RouteAuth;
  /** Mounted only when development login is enabled. */
  readonly devOnly?: boolean;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success (and other non-problem) responses by status. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Problem codes this route can answer with; `internal` is implied. */
  readonly errors: readonly ErrorCode[];
}

/** Problems any route behind `resolvePartnerSession` + the rate limit can answer with. */
export const LIMITED_SESSION_ERRORS: readonly ErrorCode[] = ['unauthenticated', 'rate_limited'];

/** Problems any route reading a JSON body through `jsonBody` can answer with. */
export const JSON_BODY_ERRORS: readonly ErrorCode[] = [
  'invalid_request',
  'unsupported_media_type',
  'payload_too_large',
];

/** Problems of a route that calls the smallcase Gateway. */
export const UPSTREAM_ERRORS: readonly ErrorCode[] = [
  'gateway_error',
  'gateway_unavailable',
  'gateway_timeout',
];
