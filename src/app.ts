import express, { type Express, type RequestHandler } from 'express';
import type { Services } from './composition.js';
import { chain } from './http/middleware/chain.js';
import { createCorsPolicy } from './http/middleware/cors-policy.js';
import { errorHandler, notFoundHandler } from './http/middleware/error-handler.js';
import { createHttpLogger } from './http/middleware/http-logger.js';
import { createHttpMetrics } from './http/middleware/http-metrics.js';
import { createSecurityHeaders } from './http/middleware/security-headers.js';
import { mountRouteTable } from './http/mount-routes.js';
import { createGuardHandlers } from './http/route-guards.js';
import { createRouteTable } from './http/route-table.js';
import { createRouteTemplateResolver } from './http/route-templates.js';

/**
 * The HTTP application over `services` (see `createServices`): the middleware every request
 * passes, then the route table. No side effects beyond the returned app.
 */
export function createApp(services: Services): Express {
  const { config, metrics } = services;
  const app = express();
  app.set('trust proxy', config.trustProxy === false ? false : config.trustProxy);
  app.set('etag', false);
  app.disable('x-powered-by');
  const routes = createRouteTable(services);

  // Every request passes these, so they run as one router layer rather than four.
  const preamble: RequestHandler[] = [];
  if (metrics.httpRequest) {
    const resolveRoute = createRouteTemplateResolver(routes.map((route) => route.path));
    preamble.push(createHttpMetrics(metrics.httpRequest.bind(metrics), resolveRoute));
  }
  preamble.push(
    createHttpLogger(app, services.logger),
    createSecurityHeaders(),
    createCorsPolicy(config.corsOrigins),
  );
  app.use(chain(preamble));
  const guardHandlers = createGuardHandlers({
    authenticator: services.partnerAuthenticator,
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitStoreFor: services.rateLimitStoreFor,
  });
  mountRouteTable(app, routes, guardHandlers);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
