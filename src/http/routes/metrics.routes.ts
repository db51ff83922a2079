import { Router } from 'express';
import { z } from 'zod';
import type { ServiceMetrics } from '../../observability/metrics.js';
import type { RouteSpec } from '../openapi/route-spec.js';

export const metricsRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description:
      'Request, token, upstream, circuit breaker, webhook and store counters and latency histograms, ' +
      'plus process metrics. Not rate limited; restrict it at the ingress.',
    tag: 'operations',
    auth: 'none',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        contentType: 'text/plain; version=0.0.4',
        body: z.string(),
      },
    },
    errors: [],
  },
];

const EMPTY = { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' };

export function createMetricsRouter(metrics: ServiceMetrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = metrics.exposition ? await metrics.exposition() : EMPTY;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', contentType);
    res.send(body);
  });
  return router;
}
