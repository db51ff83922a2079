import { z } from 'zod';
import { TRANSACTION_ID } from '../../gateway/gateway-ids.js';
import { parseIdempotencyKey } from '../../transactions/idempotency.js';
import { transactionRequest } from '../../transactions/transaction-intents.js';
import type { TransactionService } from '../../transactions/transaction-service.js';
import { partnerUserId } from '../middleware/partner-session.js';
import { CLIENT_JSON_LIMIT, type RouteGuard, type RouteSpec, UPSTREAM_ERRORS } from '../route-spec.js';
import { parseInput } from '../validation.js';

const transactionIdParam = z.object({
  transactionId: z
    .string()
    .regex(TRANSACTION_ID, 'must be a transaction id')
    .meta({ examples: [`TRX_${'0'.repeat(32)}`] }),
});

const idempotencyHeader = z.object({
  'idempotency-key': z.string().optional().meta({
    description: 'Same key + same user within 10 minutes returns the first result (1-255 visible ASCII)',
  }),
});

const createdSchema = z.object({
  transactionId: z.string().meta({ examples: [`TRX_${'0'.repeat(32)}`] }),
  intent: z.string(),
  expireAt: z.string().meta({ format: 'date-time' }),
});

const detailsSchema = z.object({
  transactionId: z.string(),
  intent: z.string(),
  status: z
    .string()
    .meta({ description: 'INITIALIZED, USED, PROCESSING, ACTION_REQUIRED, ERRORED, COMPLETED, ...' }),
  expired: z.boolean().nullable(),
  broker: z.string().nullable(),
  error: z.object({ code: z.string().nullable(), message: z.string().nullable() }).nullable(),
  createdAt: z.string().meta({ format: 'date-time' }),
  expireAt: z.string().meta({ format: 'date-time' }).nullable(),
  updatedAt: z.string().meta({ format: 'date-time' }),
});

// The contract's rate limit covers all of `/transactions`, reads included.
const guard: RouteGuard = { session: true, rateLimit: 'tokens', jsonBody: CLIENT_JSON_LIMIT };

export function transactionsRoutes(service: TransactionService): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/transactions',
      guard,
      handler: async (req, res) => {
        const request = parseInput(transactionRequest, req.body, 'body');
        const idempotencyKey = parseIdempotencyKey(req.get('idempotency-key'));
        const result = await service.create({
          partnerUserId: partnerUserId(req),
          request,
          requestId: String(req.id),
          idempotencyKey,
        });
        if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
        res.setHeader('Cache-Control', 'no-store');
        res.status(201).json(result.body);
      },
      operationId: 'createTransaction',
      summary: 'Create a Gateway transaction for the partner user',
      description:
        'Body validated per intent; the token the intent needs is chosen here. Rate-limited like /auth-token.',
      tag: 'transactions',
      headers: idempotencyHeader,
      body: transactionRequest,
      responses: { 201: { description: 'The upstream transaction', body: createdSchema } },
      errors: [
        'broker_not_linked',
        'already_linked',
        'idempotency_conflict',
        ...UPSTREAM_ERRORS,
        'store_unavailable',
      ],
    },
    {
      method: 'get',
      path: '/transactions/:transactionId',
      guard,
      handler: async (req, res) => {
        const { transactionId } = parseInput(transactionIdParam, req.params, 'path');
        const view = await service.get({
          partnerUserId: partnerUserId(req),
          transactionId,
          requestId: String(req.id),
        });
        res.setHeader('Cache-Control', 'no-store');
        res.json(view);
      },
      operationId: 'getTransaction',
      summary: "The caller's transaction, with the Gateway's current status",
      tag: 'transactions',
      params: transactionIdParam,
      responses: { 200: { description: 'Upstream details merged with our record', body: detailsSchema } },
      errors: ['invalid_request', 'not_found', ...UPSTREAM_ERRORS, 'store_unavailable'],
    },
  ];
}
