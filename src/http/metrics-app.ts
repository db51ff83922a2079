import express, { type Express } from 'express';
import type { ServiceMetrics } from '../observability/metrics.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { assignRequestId } from './middleware/request-id.js';
import { createSecurityHeaders } from './middleware/security-headers.js';
import { mountRouteTable } from './mount-routes.js';
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
  // Every answer carries `x-request-id` (CONTRACT section 3), a scrape's and a 404's included.
  app.use((req, res, next) => {
    req.id = assignRequestId(req, res);
    next();
  });
  mountRouteTable(app, metricsRoutes(metrics), () => []);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
