import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type Response, Router } from 'express';
import { z } from 'zod';
import { SIMULATED_ERRORS } from './sdk-errors.js';
import type { SdkAction, SdkFlows } from './sdk-flows.js';

// The browser half is plain JavaScript served from the source tree: the emulator only ever runs from a checkout.
const BROWSER_DIR = fileURLToPath(new URL('../../../src/emulator/sdk-stand-in/browser/', import.meta.url));

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const broker = z.string().regex(/^[a-z0-9-]{1,40}$/);
const sessionBody = z.object({ gateway: z.string().max(128), smallcaseAuthToken: z.string().max(4096) });
const actionBody = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('complete'), broker: broker.optional(), smallcaseAuthId: id.optional() }),
  z.object({ outcome: z.literal('cancel') }),
  z.object({ outcome: z.literal('expire') }),
  z.object({
    outcome: z.literal('error'),
    error: z
      .string()
      .refine((name) => SIMULATED_ERRORS.has(name), {
        message: `one of ${[...SIMULATED_ERRORS.keys()].join(', ')}`,
      })
      .default('internal_error'),
  }),
]);

// The picker is framed by partner pages anywhere, and talks only to its own origin.
const PICKER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors *";

function toAction(body: z.infer<typeof actionBody>): SdkAction {
  if (body.outcome !== 'error') return body;
  return { outcome: 'error', error: SIMULATED_ERRORS.get(body.error) ?? { name: body.error, code: 2000 } };
}

function invalid(res: Response, error: z.ZodError): void {
  const issue = error.issues[0];
  res.status(400).json({ error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
}

function sendAsset(res: Response, name: string, type: string, headers: Record<string, string> = {}): void {
  res.sendFile(name, {
    root: BROWSER_DIR,
    headers: { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-cache', ...headers },
  });
}

/**
 * The web SDK stand-in: `GET /scdk.js` for partner pages, the broker picker they frame, and the
 * JSON calls both make (CORS for any origin, as the script runs on the partner's page), plus
 * `POST /__emulator/sdk/next-outcome` for automated tests.
 */
export function createSdkStandInRouter(flows: SdkFlows): Router {
  const router = Router();
  const anyOrigin = cors({
    origin: '*',
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type'],
    maxAge: 600,
  });
  router.get('/scdk.js', anyOrigin, (_req, res) => sendAsset(res, 'scdk.js', 'text/javascript'));
  router.get('/__emulator/sdk/picker', (_req, res) =>
    sendAsset(res, 'picker.html', 'text/html', { 'Content-Security-Policy': PICKER_CSP }),
  );
  router.get('/__emulator/sdk/picker.js', (_req, res) => sendAsset(res, 'picker.js', 'text/javascript'));
  router.get('/__emulator/sdk/picker.css', (_req, res) => sendAsset(res, 'picker.css', 'text/css'));

  const api = Router();
  api.use(anyOrigin, express.json({ limit: '16kb' }));
  api.post('/session', (req, res) => {
    const body = sessionBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    const error = flows.checkSession(body.data.gateway, body.data.smallcaseAuthToken);
    return res.json(error ? { status: 'rejected', error } : { status: 'ready' });
  });
  api.post('/transactions/:transactionId/start', (req, res) => {
    const body = sessionBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    const { transactionId } = req.params;
    const answer = flows.start(transactionId, body.data.gateway, body.data.smallcaseAuthToken);
    if (answer.status !== 'interactive') return res.json(answer);
    return res.json({
      ...answer,
      pickerPath: `/__emulator/sdk/picker?transactionId=${encodeURIComponent(transactionId)}`,
    });
  });
  api.get('/transactions/:transactionId', (req, res) => {
    const summary = flows.summary(req.params.transactionId);
    if (!summary) return res.status(404).json({ error: 'unknown transaction' });
    return res.json(summary);
  });
  api.post('/transactions/:transactionId/finish', (req, res) => {
    const body = actionBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    return res.json(flows.finish(req.params.transactionId, toAction(body.data)));
  });
  api.post('/next-outcome', (req, res) => {
    const body = actionBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    return res.json({ queued: flows.queueNextOutcome(toAction(body.data)) });
  });
  router.use('/__emulator/sdk', api);
  return router;
}
