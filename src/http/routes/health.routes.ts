import { Router } from 'express';
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import type { RouteSpec } from '../openapi/route-spec.js';

export interface Readiness {
  /** False while starting up or shutting down. */
  isAcceptingTraffic(): boolean;
}

const unavailable = z.object({ status: z.literal('unavailable'), reason: z.string() });

export const healthRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getLiveness',
    summary: 'Liveness; touches no dependency',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'The process is alive', body: z.object({ status: z.literal('ok') }) } },
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: store reachable and not shutting down',
    tag: 'operations',
    auth: 'none',
    responses: {
      200: { description: 'Ready for traffic', body: z.object({ status: z.literal('ready') }) },
      503: { description: 'Starting, shutting down, or store unreachable', body: unavailable },
    },
    errors: [],
  },
];

export function createHealthRouter(deps: { store: Store; readiness: Readiness }): Router {
  const router = Router();
  // Liveness touches no dependency: a database outage must not get healthy pods restarted.
  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
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
  });
  return router;
}
