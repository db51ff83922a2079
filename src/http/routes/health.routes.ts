import { z } from 'zod';
import type { Readiness } from '../../lifecycle/readiness.js';
import type { StoreReadiness } from '../../lifecycle/store-readiness.js';
import { PUBLIC, type RouteSpec } from '../route-spec.js';

const unavailable = z.object({ status: z.literal('unavailable'), reason: z.string() });

export function healthRoutes(deps: { storeReadiness: StoreReadiness; readiness: Readiness }): RouteSpec[] {
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
        if (await deps.storeReadiness.isWritable()) {
          res.json({ status: 'ready' });
          return;
        }
        res.status(503).json({ status: 'unavailable', reason: 'store unreachable or not writable' });
      },
      operationId: 'getReadiness',
      summary: 'Readiness: the store takes a write, and not starting or shutting down',
      tag: 'operations',
      responses: {
        200: { description: 'Ready for traffic', body: z.object({ status: z.literal('ready') }) },
        503: { description: 'Starting, shutting down, or the store cannot be written', body: unavailable },
      },
      errors: [],
    },
  ];
}
