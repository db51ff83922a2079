import express, { type Express } from 'express';
import type { ServiceMetrics } from '../observability/metrics.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { createSecurityHeaders } from './middleware/security-headers.js';
import { createRouteTableRouter } from './mount-routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';

/**
 * The app of the `METRICS_PORT` listener: `GET /metrics` and nothing else. Scrapes are not
 * logged (one line every few seconds per scraper would drown the request log).
 */
export function createMetricsApp(metrics: ServiceMetrics): Express {
  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(createSecurityHeaders());
  app.use(createRouteTableRouter(metricsRoutes(metrics), () => []));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
