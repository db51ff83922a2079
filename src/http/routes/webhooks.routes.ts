import { z } from 'zod';
import type { WebhookService } from '../../webhooks/webhook-service.js';
import { type RouteSpec, UPSTREAM_ERRORS, WEBHOOK_JSON_LIMIT } from '../route-spec.js';

// For the OpenAPI document only: the service reads the body itself (checksum fields first).
const webhookBody = z
  .looseObject({
    checksum: z.string().meta({ description: 'Lowercase hex HMAC-SHA256 (see description)' }),
    timestamp: z.union([z.int(), z.string()]).meta({ description: 'Seconds or milliseconds (>= 1e12)' }),
    smallcaseAuthId: z.string().optional(),
    transactionId: z.string().optional(),
    batchId: z.string().optional(),
    status: z.string().optional(),
    intent: z.string().optional(),
  })
  .meta({ description: 'smallcase Gateway webhook; fields beyond these are kept as received.' });

/** `POST /webhooks/smallcase`: no session and no rate limit; the checksum authenticates it. */
export function webhookRoutes(service: WebhookService): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/webhooks/smallcase',
      guard: { session: false, jsonBody: WEBHOOK_JSON_LIMIT },
      handler: async (req, res) => {
        await service.receive({ body: req.body, requestId: String(req.id), log: req.log });
        res.setHeader('Cache-Control', 'no-store');
        res.json({ received: true });
      },
      operationId: 'receiveSmallcaseWebhook',
      summary: 'smallcase Gateway webhook receiver',
      description:
        'Authenticated by `checksum` = lowercase hex HMAC-SHA256, keyed with the apiSecret, over the ' +
        "`timestamp`'s decimal text as sent followed by `smallcaseAuthId` (`transactionId` when there is " +
        'no `smallcaseAuthId`). Timestamps older than `WEBHOOK_MAX_AGE_SECONDS` or more than 5 minutes ahead ' +
        'are refused. Duplicates answer 200 and change nothing. Effects are read from the Gateway, not ' +
        'from the body; any store or Gateway failure answers non-2xx so that the Gateway redelivers.',
      tag: 'webhooks',
      body: webhookBody,
      responses: {
        200: { description: 'Received (also for duplicates)', body: z.object({ received: z.literal(true) }) },
      },
      errors: ['unauthenticated', ...UPSTREAM_ERRORS, 'store_unavailable'],
    },
  ];
}
