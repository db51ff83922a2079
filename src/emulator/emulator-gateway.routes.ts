import { type Response, Router } from 'express';
import { TRANSACTION_INTENTS } from '../transactions/transaction-intents.js';
import { principalOf } from './emulator-auth.js';
import { detailsView, type EmulatorShapes, writeDate } from './emulator-details-shape.js';
import type { TransactionLifetimes } from './emulator-expiry.js';
import {
  holdingsFor,
  investmentsFor,
  newsFor,
  smallcaseList,
  smallcaseProfile,
} from './emulator-fixtures.js';
import type { EmulatedTransaction, EmulatorState } from './emulator-state.js';

// The intents the service sends and the rest of the Gateway's constants (docs/gateway.md).
const KNOWN_INTENTS = new Set([
  ...TRANSACTION_INTENTS,
  'SUBSCRIPTION',
  'CANCEL_AMO',
  'ONBOARDING',
  'MANDATE',
  'CANCEL_ORDER',
  'PLEDGE',
  'UNPLEDGE',
]);
const CONNECTED_ONLY = new Set(['SIP_SETUP', 'IMR_SETUP', 'FETCH_FUNDS', 'AUTHORISE_HOLDINGS']);

const ok = (res: Response, data: unknown) => res.json({ success: true, errors: null, data });
const fail = (res: Response, status: number, message: string, errorType = 'InputException') =>
  res.status(status).json({ success: false, errors: [message], data: null, errorType });

/** A transaction as the control endpoints show it: always flat with ISO dates, whatever `/shape` chose. */
export function transactionView(trx: EmulatedTransaction, now: number): Record<string, unknown> {
  return {
    transactionId: trx.transactionId,
    intent: trx.intent,
    status: trx.status,
    expired: trx.status === 'INITIALIZED' && now >= trx.expireAt,
    expireAt: new Date(trx.expireAt).toISOString(),
    createdAt: new Date(trx.createdAt).toISOString(),
    updatedAt: new Date(trx.updatedAt).toISOString(),
    smallcaseAuthId: trx.smallcaseAuthId,
    broker: trx.broker,
    error: trx.error,
    orderConfig: trx.orderConfig ?? null,
    notes: trx.notes,
  };
}

/** How the answers are shaped (`POST /__emulator/shape`) and how long transactions live. */
export interface EmulatorFidelity {
  readonly shapes: EmulatorShapes;
  readonly lifetimes: TransactionLifetimes;
  /** The connected token of a completed transaction's `success` object. */
  signSuccessToken(smallcaseAuthId: string): string;
}

/** The Gateway's partner API paths, mounted behind the secret/JWT check. */
export function createEmulatorGatewayRouter(
  state: EmulatorState,
  now: () => number,
  fidelity: EmulatorFidelity,
): Router {
  const router = Router({ mergeParams: true });

  router.post('/gateway/:gatewayName/transaction', (req, res) => {
    const principal = principalOf(res.locals);
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
      string,
      unknown
    >;
    const intent = body.intent;
    if (typeof intent !== 'string' || !KNOWN_INTENTS.has(intent)) return fail(res, 400, 'InvalidIntent');
    if (intent === 'CONNECT' && principal.kind !== 'guest')
      return fail(res, 400, 'CONNECT needs a guest token');
    if (CONNECTED_ONLY.has(intent) && principal.kind !== 'connected') {
      return fail(res, 403, 'This intent needs a connected token', 'AccessDenied');
    }
    const at = now();
    const trx: EmulatedTransaction = {
      transactionId: state.newTransactionId(),
      intent,
      status: 'INITIALIZED',
      createdAt: at,
      expireAt: at + fidelity.lifetimes.lifetimeMs(intent),
      updatedAt: at,
      createdBy: principal.kind === 'connected' ? principal.smallcaseAuthId : null,
      smallcaseAuthId: null,
      broker: null,
      error: null,
      orderConfig: body.orderConfig ?? body.assetConfig ?? null,
      notes: typeof body.notes === 'string' ? body.notes : null,
    };
    state.transactions.set(trx.transactionId, trx);
    return ok(res, {
      transactionId: trx.transactionId,
      expireAt: writeDate(trx.expireAt, fidelity.shapes.expireAt),
    });
  });

  router.get('/v1/:gatewayName/engine/transactiondetails', (req, res) => {
    const principal = principalOf(res.locals);
    const id = typeof req.query.transactionId === 'string' ? req.query.transactionId : '';
    const trx = state.transactions.get(id);
    if (!trx) return fail(res, 400, 'TransactionIdNotFound');
    if (principal.kind === 'connected') {
      const owner = trx.smallcaseAuthId ?? trx.createdBy;
      if (owner !== principal.smallcaseAuthId) return fail(res, 403, 'UserMismatch', 'AccessDenied');
    }
    return ok(res, detailsView(trx, now(), fidelity.shapes, fidelity.signSuccessToken));
  });

  const connectedOnly = (res: Response): string | undefined => {
    const principal = principalOf(res.locals);
    if (principal.kind === 'connected') return principal.smallcaseAuthId;
    fail(res, 403, 'This API needs a connected token', 'AccessDenied');
    return undefined;
  };

  router.get('/v1/:gatewayName/engine/user/holdings', (_req, res) => {
    const id = connectedOnly(res);
    if (id) ok(res, holdingsFor(id, state.accounts.get(id) ?? 'kite', now()));
  });
  router.get('/v1/:gatewayName/engine/user/investments', (_req, res) => {
    const id = connectedOnly(res);
    if (id) ok(res, investmentsFor(id));
  });
  router.get('/v1/:gatewayName/engine/smallcases', (req, res) => {
    ok(res, { smallcases: smallcaseList(countOf(req.query.count, 10)) });
  });
  router.get('/v1/:gatewayName/engine/smallcase', (req, res) => {
    const profile = typeof req.query.scid === 'string' ? smallcaseProfile(req.query.scid) : undefined;
    if (!profile) return fail(res, 400, 'Invalid scid');
    return ok(res, profile);
  });
  router.get('/v1/:gatewayName/engine/market/news', (req, res) => {
    ok(res, { news: newsFor(now(), countOf(req.query.count, 10)) });
  });
  return router;
}

function countOf(raw: unknown, fallback: number): number {
  return typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : fallback;
}
