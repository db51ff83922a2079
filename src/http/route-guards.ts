import type { RequestHandler } from 'express';
import type { PartnerAuthenticator } from '../partner-auth/partner-authenticator.js';
import { jsonBody } from './middleware/json-body.js';
import { requirePartnerSession, resolvePartnerSession } from './middleware/partner-session.js';
import { createRateLimit, type RateLimitStore } from './middleware/rate-limit.js';
import { createRefusalLimit } from './middleware/refusal-limit.js';
import type { JsonBodyLimit, RateLimitBucket, RouteGuard } from './route-spec.js';

export type GuardHandlers = (guard: RouteGuard) => RequestHandler[];

/**
 * Turns a route's guard into the handlers that run before its own, in the order `RouteGuard`
 * describes. One limiter per bucket and one body reader per limit are made, on first use, and
 * shared by every route naming them: routes in one bucket count against one budget.
 */
export function createGuardHandlers(deps: {
  authenticator: PartnerAuthenticator;
  rateLimitPerMinute: number;
  /** A counter store per bucket (Redis); each limiter keeps its own in memory when absent. */
  rateLimitStoreFor: ((bucket: RateLimitBucket) => RateLimitStore) | undefined;
}): GuardHandlers {
  const resolveSession = resolvePartnerSession(deps.authenticator);
  const limiters = new Map<RateLimitBucket, RequestHandler>();
  const bodyReaders = new Map<string, RequestHandler>();
  const refusalLimit = createRefusalLimit({ perMinute: deps.rateLimitPerMinute });

  const limiterFor = (bucket: RateLimitBucket): RequestHandler => {
    let limiter = limiters.get(bucket);
    if (limiter === undefined) {
      const store = deps.rateLimitStoreFor?.(bucket);
      limiter = createRateLimit({ perMinute: deps.rateLimitPerMinute, ...(store ? { store } : {}) });
      limiters.set(bucket, limiter);
    }
    return limiter;
  };
  const bodyReaderFor = (limit: JsonBodyLimit, keepRawText: boolean): RequestHandler => {
    const key = `${limit} ${keepRawText}`;
    let reader = bodyReaders.get(key);
    if (reader === undefined) {
      reader = jsonBody(limit, { keepRawText });
      bodyReaders.set(key, reader);
    }
    return reader;
  };

  return (guard) => [
    ...(guard.session ? [resolveSession] : []),
    ...(guard.rateLimit ? [limiterFor(guard.rateLimit)] : []),
    ...(guard.session ? [requirePartnerSession] : []),
    ...(guard.refusalBudget ? [refusalLimit] : []),
    ...(guard.jsonBody ? [bodyReaderFor(guard.jsonBody, guard.keepRawText === true)] : []),
  ];
}
