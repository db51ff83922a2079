import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { ServiceMetrics } from '../../observability/metrics.js';
import type { RouteTemplateResolver } from '../route-templates.js';

/** Route label of requests no documented route matches (never the raw path). */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every answered request by method, route template and status. It sits on
 * the hot path of `/auth-token`, so the work per request is one listener, one clock read at
 * each end and a map lookup.
 */
export function createHttpMetrics(
  record: NonNullable<ServiceMetrics['httpRequest']>,
  resolveRoute: RouteTemplateResolver,
): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const path = req.originalUrl;
      const query = path.indexOf('?');
      const route = resolveRoute(query === -1 ? path : path.slice(0, query)) ?? UNMATCHED_ROUTE;
      record(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}
