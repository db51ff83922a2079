import { z } from 'zod';
import { TRANSACTION_ID } from '../../gateway/gateway-ids.js';
import type { LinkService } from '../../linking/link-service.js';
import { partnerUserId } from '../middleware/partner-session.js';
import { CLIENT_JSON_LIMIT, type RouteGuard, type RouteSpec, UPSTREAM_ERRORS } from '../route-spec.js';
import { parseInput } from '../validation.js';
import { authTokenGrantSchema } from './auth-token.routes.js';

// Only the transaction id is read: smallcaseAuthId and broker come from the Gateway.
const linkBody = z.object({
  transactionId: z.string().regex(TRANSACTION_ID, 'must be a transaction id'),
});

const guard: RouteGuard = { session: true, rateLimit: 'link', jsonBody: CLIENT_JSON_LIMIT };

export function linkRoutes(service: LinkService): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/link',
      guard,
      handler: async (req, res) => {
        const { transactionId } = parseInput(linkBody, req.body, 'body');
        const grant = await service.link({
          partnerUserId: partnerUserId(req),
          transactionId,
          requestId: String(req.id),
        });
        res.setHeader('Cache-Control', 'no-store');
        res.json(grant);
      },
      operationId: 'linkBrokerAccount',
      summary: 'Link the smallcase account that completed the caller’s transaction',
      description:
        'smallcaseAuthId and broker are read from the Gateway transaction details, never from the client.',
      tag: 'linking',
      body: linkBody,
      responses: {
        200: {
          description: 'A fresh connected token',
          body: authTokenGrantSchema.extend({ broker: z.string().nullable() }),
        },
      },
      errors: [
        'not_found',
        'transaction_not_complete',
        'smallcase_account_in_use',
        'already_linked',
        ...UPSTREAM_ERRORS,
        'store_unavailable',
      ],
    },
    {
      method: 'delete',
      path: '/link',
      guard,
      handler: async (req, res) => {
        await service.unlink(partnerUserId(req));
        res.status(204).end();
      },
      operationId: 'unlinkBrokerAccount',
      summary: 'Forget the link; the next /auth-token is a guest token',
      tag: 'linking',
      responses: { 204: { description: 'Unlinked (also when there was no link)' } },
      errors: ['store_unavailable'],
    },
  ];
}
