import { z } from 'zod';
import type { WebhookService } from '../../webhooks/webhook-service.js';
import { rawJsonTextOf } from '../middleware/json-body.js';
import { type RouteSpec, UPSTREAM_ERRORS, WEBHOOK_JSON_LIMIT } from '../route-spec.js';

// For the OpenAPI document only: the service reads the body itself (checksum fields first).
const webhookBody = z
  .looseObject({
    checksum: z.string().meta({ description: 'Hex HMAC-SHA256, either letter case (see description)' }),
    timestamp: z.union([z.number(), z.string()]).meta({
      description:
        'Epoch seconds or milliseconds (>= 1e12) as a number or decimal string, or ISO 8601 with a zone; ' +
        'signed as written',
    }),
    smallcaseAuthId: z.string().optional(),
    transactionId: z.string().optional(),
    batchId: z.string().optional(),
    status: z.string().optional(),
    intent: z.string().optional(),
  })
  .meta({ description: 'smallcase Gateway webhook; fields beyond these are ignored and not stored.' });

/** `POST /webhooks/smallcase`: no session; the checksum authenticates it; only refusals are rate limited. */
export function webhookRoutes(service: WebhookService): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/webhooks/smallcase',
      guard: { session: false, refusalBudget: true, jsonBody: WEBHOOK_JSON_LIMIT, keepRawText: true },
      handler: async (req, res) => {
        const rawBody = rawJsonTextOf(req);
        await service.receive({ body: req.body, rawBody, requestId: String(req.id), log: req.log });
        res.setHeader('Cache-Control', 'no-store');
        res.json({ received: true });
      },
      operationId: 'receiveSmallcaseWebhook',
      summary: 'smallcase Gateway webhook receiver',
      description:
        'Authenticated by `checksum` = hex (either case) HMAC-SHA256, keyed with the apiSecret (or ' +
        "`GATEWAY_API_SECRET_PREVIOUS`), over the `timestamp`'s text as sent followed by `smallcaseAuthId` " +
        'or by `transactionId` (both are tried when both are present). Timestamps older than ' +
        '`WEBHOOK_MAX_AGE_SECONDS` or more than 5 minutes ahead are refused. A redelivery (same timestamp ' +
        'and ids, whatever else differs) answers 200 and changes nothing. Effects are read from the ' +
        'Gateway, not from the body; any store or Gateway failure answers non-2xx so that the Gateway ' +
        'redelivers. A body whose Content-Length is over 1 MB is refused before it is read; after ' +
        '`RATE_LIMIT_PER_MINUTE` refused deliveries in a minute, a client address gets 429.',
      tag: 'webhooks',
      body: webhookBody,
      responses: {
        200: { description: 'Received (also for duplicates)', body: z.object({ received: z.literal(true) }) },
      },
      errors: ['unauthenticated', ...UPSTREAM_ERRORS, 'store_unavailable'],
    },
  ];
}
