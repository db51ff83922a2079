import { z } from 'zod';
import type { Readiness } from '../../lifecycle/readiness.js';
import type { Store } from '../../store/store.js';
import { PUBLIC, type RouteSpec } from '../route-spec.js';

const unavailable = z.object({ status: z.literal('unavailable'), reason: z.string() });

export function healthRoutes(deps: { store: Store; readiness: Readiness }): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/healthz',
      guard: PUBLIC,
      // Liveness touches no dependency: a database outage must not get healthy pods restarted.
      handler: (_req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        res.json({ status: 'ok' });
      },
      operationId: 'getLiveness',
      summary: 'Liveness; touches no dependency',
      tag: 'operations',
      responses: {
        200: { description: 'The process is alive', body: z.object({ status: z.literal('ok') }) },
      },
      errors: [],
    },
    {
      method: 'get',
      path: '/readyz',
      guard: PUBLIC,
      handler: async (_req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        if (!deps.readiness.isAcceptingTraffic()) {
          res.status(503).json({ status: 'unavailable', reason: 'not accepting traffic' });
          return;
        }
        try {
          await deps.store.ping();
          res.json({ status: 'ready' });
        } catch {
          res.status(503).json({ status: 'unavailable', reason: 'store unreachable' });
        }
      },
      operationId: 'getReadiness',
      summary: 'Readiness: store reachable and not shutting down',
      tag: 'operations',
      responses: {
        200: { description: 'Ready for traffic', body: z.object({ status: z.literal('ready') }) },
        503: { description: 'Starting, shutting down, or store unreachable', body: unavailable },
      },
      errors: [],
    },
  ];
}
