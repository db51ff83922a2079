import { Router } from 'express';
import { z } from 'zod';
import type { HoldingsService } from '../../holdings/holdings-service.js';
import { partnerUserId } from '../middleware/partner-session.js';
import { type RouteSpec, UPSTREAM_ERRORS } from '../openapi/route-spec.js';

const ENGINE_PREFIX = '/engine/';

export const holdingsRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/holdings',
    operationId: 'getHoldings',
    summary: "The linked user's holdings (upstream `data`, v2 format)",
    description:
      'When the Gateway is unavailable (503, timeout, circuit open), the snapshot kept from the last ' +
      'holdings-import webhook is served instead, with `snapshot: {stale: true, snapshotAt}` added.',
    tag: 'holdings',
    auth: 'partnerSession',
    responses: { 200: { description: 'Upstream holdings data', body: z.unknown() } },
    errors: ['unauthenticated', 'broker_not_linked', ...UPSTREAM_ERRORS, 'store_unavailable'],
  },
  {
    method: 'get',
    path: '/engine/*path',
    operationId: 'getEngineData',
    summary: 'Read-only pass-through to an allow-listed Gateway engine path',
    description: 'Default allow-list: user/holdings, user/investments, smallcases, smallcase, market/news.',
    tag: 'holdings',
    auth: 'partnerSession',
    params: z.object({ path: z.string().meta({ examples: ['smallcases'] }) }),
    responses: { 200: { description: 'Upstream `data`', body: z.unknown() } },
    errors: ['unauthenticated', 'invalid_request', 'not_found', ...UPSTREAM_ERRORS, 'store_unavailable'],
  },
];

export function createHoldingsRouter(service: HoldingsService): Router {
  const router = Router();
  router.get('/holdings', async (req, res) => {
    const data = await service.holdings({ partnerUserId: partnerUserId(req), requestId: String(req.id) });
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(data);
  });
  // The raw, undecoded URL is matched against the allow-list; Express's decoded params are not used.
  router.get('/engine/*path', async (req, res) => {
    const raw = req.originalUrl;
    const queryAt = raw.indexOf('?');
    const pathPart = queryAt === -1 ? raw : raw.slice(0, queryAt);
    const rawPath = pathPart.startsWith(ENGINE_PREFIX) ? pathPart.slice(ENGINE_PREFIX.length) : '';
    const rawQuery = queryAt === -1 ? '' : raw.slice(queryAt + 1);
    const data = await service.engine({
      partnerUserId: partnerUserId(req),
      rawPath,
      rawQuery,
      requestId: String(req.id),
    });
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(data);
  });
  return router;
}
