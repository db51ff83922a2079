import express, { type Response, Router } from 'express';
import { z } from 'zod';
import { postWebhook } from '../webhooks/post-webhook.js';
import { signWebhook } from '../webhooks/webhook-checksum.js';
import { completeTransaction, completionRefusal } from './emulator-completion.js';
import { transactionView } from './emulator-gateway.routes.js';
import type { EmulatorState, Fault } from './emulator-state.js';
import type { EmulatorWebhooks } from './emulator-webhooks.js';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const completeBody = z.object({
  smallcaseAuthId: id,
  broker: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .default('kite'),
});
const failBody = z.object({
  code: z.string().max(64).default('user_cancelled'),
  message: z.string().max(256).default('User cancelled the flow'),
});
const faultBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hang'), count: z.int().min(1).max(1000).default(1) }),
  z.object({
    kind: z.literal('status'),
    status: z.int().min(400).max(599).default(500),
    count: z.int().min(1).max(1000).default(1),
  }),
  z.object({ kind: z.literal('redirect'), location: z.url(), count: z.int().min(1).max(1000).default(1) }),
  z.object({ kind: z.literal('html'), count: z.int().min(1).max(1000).default(1) }),
  z.object({
    kind: z.literal('oversize'),
    bytes: z
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    count: z.int().min(1).max(1000).default(1),
  }),
  z.object({ kind: z.literal('answer'), data: z.unknown(), count: z.int().min(1).max(1000).default(1) }),
]);
const webhookBody = z.object({
  url: z.url({ protocol: /^https?$/ }),
  transactionId: id.optional(),
  smallcaseAuthId: id.optional(),
  timestamp: z.union([z.int().nonnegative(), z.string().regex(/^\d{1,16}$/)]).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

const COMPLETION_REFUSALS = {
  not_open: (status: string) => `transaction is already ${status}`,
  expired: () => 'transaction expired',
  user_mismatch: () => 'user_mismatch: the token pinned another account',
};

function invalid(res: Response, error: z.ZodError): void {
  const issue = error.issues[0];
  res.status(400).json({ error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
}

/**
 * `/__emulator/` endpoints that play the user's and the network's part: complete or fail a
 * transaction, queue faults, fire a checksummed webhook, read the request log. Loopback only.
 */
export function createEmulatorControlRouter(options: {
  state: EmulatorState;
  apiSecret: string;
  now: () => number;
  /** Completion webhooks go through it (when it has a target). */
  webhooks?: EmulatorWebhooks;
}): Router {
  const { state, now } = options;
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  router.post('/transactions/:transactionId/complete', (req, res) => {
    const parsed = completeBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const trx = state.transactions.get(req.params.transactionId);
    if (!trx) return res.status(404).json({ error: 'unknown transaction' });
    const refusal = completionRefusal(trx, parsed.data.smallcaseAuthId, now());
    if (refusal) return res.status(409).json({ error: COMPLETION_REFUSALS[refusal](trx.status) });
    completeTransaction(
      { state, webhooks: options.webhooks, apiSecret: options.apiSecret, now: now() },
      trx,
      parsed.data,
    );
    return res.json(transactionView(trx, now()));
  });

  router.post('/transactions/:transactionId/fail', (req, res) => {
    const parsed = failBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const trx = state.transactions.get(req.params.transactionId);
    if (!trx) return res.status(404).json({ error: 'unknown transaction' });
    if (trx.status === 'COMPLETED' || trx.status === 'ERRORED') {
      return res.status(409).json({ error: `transaction is already ${trx.status}` });
    }
    Object.assign(trx, { status: 'ERRORED', updatedAt: now(), error: parsed.data });
    return res.json(transactionView(trx, now()));
  });

  router.get('/transactions/:transactionId', (req, res) => {
    const trx = state.transactions.get(req.params.transactionId);
    if (!trx) return res.status(404).json({ error: 'unknown transaction' });
    return res.json(transactionView(trx, now()));
  });

  router.post('/faults', (req, res) => {
    const parsed = faultBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const { count, ...fault } = parsed.data;
    state.faults.push({ fault: fault as Fault, remaining: count });
    return res.status(201).json({ queued: state.faults.length });
  });
  router.delete('/faults', (_req, res) => {
    state.faults.length = 0;
    res.status(204).end();
  });

  router.get('/requests', (_req, res) => {
    // Secret-bearing header values are masked on the wire; in-process tests read state.requests.
    res.json(
      state.requests.map((r) => ({
        ...r,
        headers: {
          ...r.headers,
          ...(r.headers['x-gateway-secret'] ? { 'x-gateway-secret': '[present]' } : {}),
          ...(r.headers['x-gateway-authtoken'] ? { 'x-gateway-authtoken': '[present]' } : {}),
        },
      })),
    );
  });
  router.delete('/requests', (_req, res) => {
    state.requests.length = 0;
    res.status(204).end();
  });

  router.get('/webhook-deliveries', (_req, res) => {
    res.json(options.webhooks?.deliveries ?? []);
  });

  router.post('/webhooks', async (req, res) => {
    const parsed = webhookBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const input = parsed.data;
    const trx = input.transactionId ? state.transactions.get(input.transactionId) : undefined;
    const smallcaseAuthId = input.smallcaseAuthId ?? trx?.smallcaseAuthId ?? undefined;
    if (!smallcaseAuthId && !input.transactionId) {
      return res.status(400).json({ error: 'smallcaseAuthId or transactionId is required' });
    }
    const payload = signWebhook(
      options.apiSecret,
      {
        timestamp: input.timestamp ?? Math.floor(now() / 1000),
        smallcaseAuthId,
        transactionId: input.transactionId,
      },
      { ...input.payload, ...(trx ? { intent: trx.intent, status: trx.status, broker: trx.broker } : {}) },
    );
    // Its own POST, not the delivery module: one attempt to the URL given here, answered with the
    // receiver's status and body, where `webhooks.dispatch` retries in the background to the configured target.
    try {
      const { statusCode, text } = await postWebhook(input.url, payload, {
        userAgent: 'gateway-emulator',
        timeoutMs: 5000,
      });
      return res.json({ delivered: true, status: statusCode, body: text, payload });
    } catch (error) {
      return res.status(502).json({ delivered: false, error: (error as Error).message, payload });
    }
  });
  return router;
}
