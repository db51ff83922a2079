import type { ErrorRequestHandler, IRoute, RequestHandler, Router } from 'express';
import { chain } from './middleware/chain.js';
import { pathOf } from './request-url.js';
import type { GuardHandlers } from './route-guards.js';
import type { RouteGuard, RouteSpec } from './route-spec.js';
import { createRouteTemplateResolver } from './route-templates.js';

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
 * Express's router answers an OPTIONS request that no route handles with `200` and the path's
 * methods in `Allow` once it reaches the end of its stack. Mounted on the app itself, the route
 * table is followed by the 404 handler instead, so this gives the same answer (HEAD with GET,
 * sorted), after the area guards.
 */
function optionsResponder(routes: readonly RouteSpec[]): RequestHandler {
  const methodsByPath = new Map<string, Set<string>>();
  for (const spec of routes) {
    const methods = methodsByPath.get(spec.path) ?? new Set<string>();
    methods.add(spec.method.toUpperCase());
    if (spec.method === 'get') methods.add('HEAD');
    methodsByPath.set(spec.path, methods);
  }
  const allowByPath = new Map(
    [...methodsByPath].map(([path, methods]) => [path, [...methods].sort().join(', ')]),
  );
  const resolveRoute = createRouteTemplateResolver(allowByPath.keys());
  return (req, res, next) => {
    const template = req.method === 'OPTIONS' ? resolveRoute(pathOf(req.originalUrl)) : undefined;
    const allow = template === undefined ? undefined : allowByPath.get(template);
    if (allow === undefined) {
      next();
      return;
    }
    // Express would also send the list as a text/plain body; every body here is JSON, so none.
    res.setHeader('Allow', allow);
    res.status(204).end();
  };
}

/** Where routes are mounted: the app itself (its own router) or a `Router`. */
export type RouteTarget = Pick<Router, 'route' | 'use'>;

/**
 * Mounts the route table on `target`, normally the app itself (a nested router would add a
 * second routing pass per request): one Express route per path, each method with its guard's
 * handlers and then its own as one handler, so a request is matched once. A request that
 * matches no route but lies under a route's static prefix (a wrong method, an unknown sub-path)
 * still passes the guard of the first route under that prefix before the 404 (a stranger gets
 * 401, the attempt counts against the rate limit) or the OPTIONS answer. Throws on a method and
 * path declared twice.
 */
export function mountRouteTable(
  target: RouteTarget,
  routes: readonly RouteSpec[],
  guardHandlers: GuardHandlers,
): void {
  const byPath = new Map<string, IRoute>();
  const declared = new Set<string>();
  for (const spec of routes) {
    const key = `${spec.method.toUpperCase()} ${spec.path}`;
    if (declared.has(key)) throw new Error(`route table: ${key} is declared twice`);
    declared.add(key);
    let route = byPath.get(spec.path);
    if (route === undefined) {
      route = target.route(spec.path);
      byPath.set(spec.path, route);
    }
    // One route layer per method: each further layer costs a dispatch step on every request.
    route[spec.method](chain([...guardHandlers(spec.guard), spec.handler]));
  }
  for (const [prefix, guard] of guardsByPrefix(routes)) {
    const handlers = guardHandlers(guard);
    if (handlers.length === 0) continue;
    const areaGuard = chain(handlers);
    target.use(prefix, areaGuard, guardBeforeMatchError(areaGuard));
  }
  target.use(optionsResponder(routes));
}
