import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler } from 'express';
import type { ServiceMetrics } from '../../observability/metrics.js';
import { pathOf } from '../request-url.js';
import type { RouteTemplateResolver } from '../route-templates.js';

/** Route label of requests no documented route matches (never the raw path). */
const UNMATCHED_ROUTE = 'unmatched';
const STARTED = Symbol('metricsStarted');

type TimedResponse = ServerResponse & { [STARTED]?: number };

/**
 * Counts and times every answered request by method, route template and status. It sits on
 * the hot path of `/auth-token`, so the work per request is one listener, one clock read at
 * each end and a map lookup.
 */
export function createHttpMetrics(
  record: NonNullable<ServiceMetrics['httpRequest']>,
  resolveRoute: RouteTemplateResolver,
): RequestHandler {
  // One shared listener (`this` is the response) rather than a closure per request.
  function recordResponse(this: TimedResponse): void {
    const req = this.req as Request;
    const route = resolveRoute(pathOf(req.originalUrl)) ?? UNMATCHED_ROUTE;
    record(req.method, route, this.statusCode, (performance.now() - (this[STARTED] ?? 0)) / 1000);
  }
  return (_req, res, next) => {
    (res as TimedResponse)[STARTED] = performance.now();
    // `on`, not `once`: a response finishes once, and `once` would allocate a wrapper per request.
    res.on('finish', recordResponse);
    next();
  };
}
