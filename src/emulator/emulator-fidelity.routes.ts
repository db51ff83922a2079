import express, { type Response, Router } from 'express';
import { z } from 'zod';
import { DETAILS_SHAPES } from '../gateway/details-account.js';
import { type EmulatorShapes, EXPIRE_AT_FORMS } from './emulator-details-shape.js';
import type { TransactionLifetimes } from './emulator-expiry.js';
import { POSTBACK_KINDS } from './emulator-postbacks.js';
import type { EmulatorWebhooks } from './emulator-webhooks.js';

const shapeBody = z.strictObject({
  details: z.enum(DETAILS_SHAPES as [string, ...string[]]).optional(),
  expireAt: z.enum(EXPIRE_AT_FORMS as [string, ...string[]]).optional(),
});
const expiryBody = z.strictObject({
  intent: z.string().regex(/^[A-Z_]{1,40}$/),
  seconds: z
    .int()
    .min(1)
    .max(7 * 24 * 3600),
});
const httpUrl = z.url({ protocol: /^https?$/ });
const targetBody = z.strictObject({
  url: httpUrl.nullable().optional(),
  urls: z.partialRecord(z.enum(POSTBACK_KINDS), httpUrl).optional(),
  speedUp: z.number().min(1).max(1e9).optional(),
  maxAttempts: z.int().min(1).max(4).optional(),
});

function invalid(res: Response, error: z.ZodError): void {
  const issue = error.issues[0];
  res.status(400).json({ error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
}

/**
 * `/__emulator/` endpoints that choose how faithfully the emulator imitates the real Gateway: the
 * transaction-details shape and date form (`/shape`), lifetimes per intent (`/expiry`), and where
 * and how fast postbacks are redelivered (`/webhook-target`).
 */
export function createEmulatorFidelityRouter(options: {
  shapes: EmulatorShapes;
  lifetimes: TransactionLifetimes;
  webhooks: EmulatorWebhooks;
}): Router {
  const { shapes, lifetimes, webhooks } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/shape', (_req, res) => {
    res.json(shapes);
  });
  router.post('/shape', (req, res) => {
    const parsed = shapeBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    Object.assign(shapes, parsed.data);
    return res.json(shapes);
  });

  router.post('/expiry', (req, res) => {
    const parsed = expiryBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    lifetimes.set(parsed.data.intent, parsed.data.seconds * 1000);
    return res.json({ intent: parsed.data.intent, lifetimeMs: lifetimes.lifetimeMs(parsed.data.intent) });
  });
  router.delete('/expiry', (_req, res) => {
    lifetimes.reset();
    res.status(204).end();
  });

  router.get('/webhook-target', (_req, res) => {
    res.json(webhooks.target);
  });
  router.post('/webhook-target', (req, res) => {
    const parsed = targetBody.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const { url, ...rest } = parsed.data;
    webhooks.configure({ ...rest, ...(url === undefined ? {} : { url: url ?? undefined }) });
    return res.json(webhooks.target);
  });
  return router;
}
