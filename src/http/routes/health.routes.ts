import { Router } from 'express';
import type { Store } from '../../store/store.js';

export interface Readiness {
  /** False while starting up or shutting down. */
  isAcceptingTraffic(): boolean;
}

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
