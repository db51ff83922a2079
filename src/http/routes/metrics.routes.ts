import { z } from 'zod';
import type { ServiceMetrics } from '../../observability/metrics.js';
import { PUBLIC, type RouteSpec } from '../route-spec.js';

const EMPTY = { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' };

export function metricsRoutes(metrics: ServiceMetrics): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/metrics',
      guard: PUBLIC,
      handler: async (_req, res) => {
        const { contentType, body } = metrics.exposition ? await metrics.exposition() : EMPTY;
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Content-Type', contentType);
        res.send(body);
      },
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      description:
        'Request, token, upstream, circuit breaker, webhook and store counters and latency histograms, ' +
        'plus process metrics. Not rate limited. Served on METRICS_PORT when set, and never on the ' +
        'public port in production.',
      tag: 'operations',
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
}
