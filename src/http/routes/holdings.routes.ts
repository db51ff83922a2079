import { z } from 'zod';
import type { HoldingsService } from '../../holdings/holdings-service.js';
import { partnerUserId } from '../middleware/partner-session.js';
import { pathOf, queryOf } from '../request-url.js';
import { type RouteGuard, type RouteSpec, UPSTREAM_ERRORS } from '../route-spec.js';

const ENGINE_PREFIX = '/engine/';
const guard: RouteGuard = { session: true, rateLimit: 'reads' };

export function holdingsRoutes(service: HoldingsService): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/holdings',
      guard,
      handler: async (req, res) => {
        const data = await service.holdings({ partnerUserId: partnerUserId(req), requestId: String(req.id) });
        res.setHeader('Cache-Control', 'private, no-store');
        res.json(data);
      },
      operationId: 'getHoldings',
      summary: "The linked user's holdings (upstream `data`, v2 format)",
      description:
        'When the Gateway is unavailable (503, timeout, circuit open), the snapshot kept from the last ' +
        'holdings-import webhook is served instead, with `snapshot: {stale: true, snapshotAt}` added.',
      tag: 'holdings',
      responses: { 200: { description: 'Upstream holdings data', body: z.unknown() } },
      errors: ['broker_not_linked', ...UPSTREAM_ERRORS, 'store_unavailable'],
    },
    {
      method: 'get',
      path: '/engine/*path',
      guard,
      // The raw, undecoded URL is matched against the allow-list; Express's decoded params are not used.
      handler: async (req, res) => {
        const path = pathOf(req.originalUrl);
        const data = await service.engine({
          partnerUserId: partnerUserId(req),
          rawPath: path.startsWith(ENGINE_PREFIX) ? path.slice(ENGINE_PREFIX.length) : '',
          rawQuery: queryOf(req.originalUrl),
          requestId: String(req.id),
        });
        res.setHeader('Cache-Control', 'private, no-store');
        res.json(data);
      },
      operationId: 'getEngineData',
      summary: 'Read-only pass-through to an allow-listed Gateway engine path',
      description:
        'Default allow-list: user/holdings, user/investments, smallcases, smallcase, market/news. ' +
        '`user/*` paths need a linked broker account (409 otherwise); a `transactionId` query is refused (400).',
      tag: 'holdings',
      params: z.object({ path: z.string().meta({ examples: ['smallcases'] }) }),
      responses: { 200: { description: 'Upstream `data`', body: z.unknown() } },
      errors: ['invalid_request', 'not_found', 'broker_not_linked', ...UPSTREAM_ERRORS, 'store_unavailable'],
    },
  ];
}
