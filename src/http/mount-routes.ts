import { type ErrorRequestHandler, type IRoute, type RequestHandler, Router } from 'express';
import { chain } from './middleware/chain.js';
import type { GuardHandlers } from './route-guards.js';
import type { RouteGuard, RouteSpec } from './route-spec.js';

const PARAMETER_SEGMENT = /^[:*]/;

/** `/transactions/:transactionId` -> `/transactions`; `/engine/*path` -> `/engine`. */
function staticPrefix(path: string): string {
  const segments = path.split('/');
  const firstParameter = segments.findIndex((segment) => PARAMETER_SEGMENT.test(segment));
  return firstParameter === -1 ? path : segments.slice(0, firstParameter).join('/');
}

/** The guard of the first route under each static prefix; a root-level prefix would guard every unknown URL. */
function guardsByPrefix(routes: readonly RouteSpec[]): Map<string, RouteGuard> {
  const areas = new Map<string, RouteGuard>();
  for (const spec of routes) {
    const prefix = staticPrefix(spec.path);
    if (prefix.length > 1 && !areas.has(prefix)) areas.set(prefix, spec.guard);
  }
  return areas;
}

/**
 * A malformed %-escape in a route parameter fails the route match itself (a URIError, answered
 * 400) before the route's guard could run; the guard runs first anyway, so a stranger still gets
 * 401 and the attempt is counted.
 */
function guardBeforeMatchError(guard: RequestHandler): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!(error instanceof URIError)) {
      next(error);
      return;
    }
    guard(req, res, (guardError?: unknown) => next(guardError ?? error));
  };
}

/**
 * The route table as one router: one Express route per path, each method with its guard's
 * handlers and then its own, so a request is matched once. A request that matches no route but
 * lies under a route's static prefix (a wrong method, an unknown sub-path) still passes the guard
 * of the first route under that prefix before the 404 (a stranger gets 401, the attempt counts
 * against the rate limit) or the automatic OPTIONS answer. Throws on a method and path declared twice.
 */
export function createRouteTableRouter(routes: readonly RouteSpec[], guardHandlers: GuardHandlers): Router {
  const router = Router();
  const byPath = new Map<string, IRoute>();
  const declared = new Set<string>();
  for (const spec of routes) {
    const key = `${spec.method.toUpperCase()} ${spec.path}`;
    if (declared.has(key)) throw new Error(`route table: ${key} is declared twice`);
    declared.add(key);
    let route = byPath.get(spec.path);
    if (route === undefined) {
      route = router.route(spec.path);
      byPath.set(spec.path, route);
    }
    route[spec.method](...guardHandlers(spec.guard), spec.handler);
  }
  for (const [prefix, guard] of guardsByPrefix(routes)) {
    const handlers = guardHandlers(guard);
    if (handlers.length === 0) continue;
    const areaGuard = chain(handlers);
    router.use(prefix, areaGuard, guardBeforeMatchError(areaGuard));
  }
  return router;
}
