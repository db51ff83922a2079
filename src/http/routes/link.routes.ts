import { Router } from 'express';
import { z } from 'zod';
import { TRANSACTION_ID } from '../../gateway/gateway-ids.js';
import type { LinkService } from '../../linking/link-service.js';
import { partnerUserId } from '../middleware/partner-session.js';
import { JSON_BODY_ERRORS, type RouteSpec, UPSTREAM_ERRORS } from '../openapi/route-spec.js';
import { parseInput } from '../validation.js';
import { authTokenGrantSchema } from './auth-token.routes.js';

// Only the transaction id is read: smallcaseAuthId and broker come from the Gateway.
const linkBody = z.object({
  transactionId: z.string().regex(TRANSACTION_ID, 'must be a transaction id'),
});

export const linkRoutes: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/link',
    operationId: 'linkBrokerAccount',
    summary: 'Link the smallcase account that completed the caller’s transaction',
    description:
      'smallcaseAuthId and broker are read from the Gateway transaction details, never from the client.',
    tag: 'linking',
    auth: 'partnerSession',
    body: linkBody,
    responses: {
      200: {
        description: 'A fresh connected token',
        body: authTokenGrantSchema.extend({ broker: z.string().nullable() }),
      },
    },
    errors: [
      'unauthenticated',
      ...JSON_BODY_ERRORS,
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
    operationId: 'unlinkBrokerAccount',
    summary: 'Forget the link; the next /auth-token is a guest token',
    tag: 'linking',
    auth: 'partnerSession',
    responses: { 204: { description: 'Unlinked (also when there was no link)' } },
    errors: ['unauthenticated', 'store_unavailable'],
  },
];

export function createLinkRouter(service: LinkService): Router {
  const router = Router();
  router.post('/link', async (req, res) => {
    const { transactionId } = parseInput(linkBody, req.body, 'body');
    const grant = await service.link({
      partnerUserId: partnerUserId(req),
      transactionId,
      requestId: String(req.id),
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json(grant);
  });
  router.delete('/link', async (req, res) => {
    await service.unlink(partnerUserId(req));
    res.status(204).end();
  });
  return router;
}
