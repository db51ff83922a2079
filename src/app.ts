import express, { type Express } from 'express';
import type { Services } from './composition.js';
import { createCorsPolicy } from './http/middleware/cors-policy.js';
import { errorHandler, notFoundHandler } from './http/middleware/error-handler.js';
import { useHttpLogger } from './http/middleware/http-logger.js';
import { createHttpMetrics } from './http/middleware/http-metrics.js';
import { createSecurityHeaders } from './http/middleware/security-headers.js';
import { createRouteTableRouter } from './http/mount-routes.js';
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

  if (metrics.httpRequest) {
    const resolveRoute = createRouteTemplateResolver(routes.map((route) => route.path));
    app.use(createHttpMetrics(metrics.httpRequest.bind(metrics), resolveRoute));
  }
  useHttpLogger(app, services.logger);
  app.use(createSecurityHeaders());
  app.use(createCorsPolicy(config.corsOrigins));
  const guardHandlers = createGuardHandlers({
    authenticator: services.partnerAuthenticator,
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitStoreFor: services.rateLimitStoreFor,
  });
  app.use(createRouteTableRouter(routes, guardHandlers));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
