import { createSecretKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { verifyGatewayToken } from '../emulator-auth.js';
import { completeTransaction, completionRefusal } from '../emulator-completion.js';
import type { EmulatedTransaction, EmulatorState } from '../emulator-state.js';
import type { EmulatorWebhooks } from '../emulator-webhooks.js';
import { SDK_ERRORS, type SdkError } from './sdk-errors.js';

/** How a `triggerTransaction` ends: the SDK resolves with `result` or rejects with `error`. */
export type SdkAnswer =
  | { readonly status: 'resolved'; readonly result: Readonly<Record<string, unknown>> }
  | { readonly status: 'rejected'; readonly error: SdkError };

/** The user's move in the broker picker, or a test's `next-outcome`. */
export type SdkAction =
  | { readonly outcome: 'complete'; readonly broker?: string; readonly smallcaseAuthId?: string }
  | { readonly outcome: 'cancel' | 'expire' }
  | { readonly outcome: 'error'; readonly error: SdkError };

export interface SdkFlowsOptions {
  readonly state: EmulatorState;
  readonly webhooks: EmulatorWebhooks | undefined;
  readonly gatewayName: string;
  /** Signs the connected token a completed flow resolves with, as the real SDK's is. */
  readonly gatewaySecret: string;
  readonly apiSecret: string;
  readonly now: () => number;
}

export interface SdkFlows {
  /** The SDK session check of `new scDK(...)` / `init`: the gateway name and the JWT. */
  checkSession(gateway: unknown, token: unknown): SdkError | undefined;
  /** `triggerTransaction`: an answer at once (bad input, or a queued outcome), or `interactive` for the picker. */
  start(
    transactionId: string,
    gateway: unknown,
    token: unknown,
  ): SdkAnswer | { readonly status: 'interactive' };
  /** Ends a started flow the way the person (or the SDK's own close button) chose. */
  finish(transactionId: string, action: SdkAction): SdkAnswer;
  /** What the picker shows about a transaction, or undefined when unknown. */
  summary(transactionId: string): Record<string, unknown> | undefined;
  /** Makes the next `triggerTransaction` end with `action`, without the picker. */
  queueNextOutcome(action: SdkAction): number;
}

const CONNECTED_TOKEN_SECONDS = 3600;
const MAX_OPEN_FLOWS = 1000;
const rejected = (error: SdkError): SdkAnswer => ({ status: 'rejected', error });

/** The server half of the web SDK stand-in (docs/gateway.md): sessions, flows and their outcomes. */
export function createSdkFlows(options: SdkFlowsOptions): SdkFlows {
  const { state, now } = options;
  const key = createSecretKey(Buffer.from(options.gatewaySecret, 'utf8'));
  const queued: SdkAction[] = [];
  // smallcaseAuthId of the SDK session that started each open flow (undefined for a guest session).
  const openFlows = new Map<string, string | undefined>();

  function principal(token: unknown) {
    const verified = verifyGatewayToken(token, options.gatewaySecret);
    if (!verified) return undefined;
    // jsonwebtoken checked `exp` on the wall clock; the emulator's own clock decides too.
    const { exp } = jwt.decode(token as string) as { exp?: number };
    return exp === undefined || exp * 1000 > now() ? verified : undefined;
  }

  function checkSession(gateway: unknown, token: unknown): SdkError | undefined {
    if (gateway !== options.gatewayName) return SDK_ERRORS.invalidGateway;
    return principal(token) ? undefined : SDK_ERRORS.invalidJwt;
  }

  function fail(trx: EmulatedTransaction, error: SdkError, message: string): SdkAnswer {
    Object.assign(trx, { status: 'ERRORED', updatedAt: now(), error: { code: error.name, message } });
    return rejected(error);
  }

  function complete(trx: EmulatedTransaction, action: SdkAction & { outcome: 'complete' }): SdkAnswer {
    const smallcaseAuthId =
      action.smallcaseAuthId ??
      trx.createdBy ??
      openFlows.get(trx.transactionId) ??
      `SCA_${randomBytes(8).toString('hex')}`;
    const broker = action.broker ?? state.accounts.get(smallcaseAuthId) ?? 'kite';
    const refusal = completionRefusal(trx, smallcaseAuthId, now());
    if (refusal === 'expired') return fail(trx, SDK_ERRORS.expiredDuringFlow, 'Transaction expired');
    if (refusal === 'user_mismatch')
      return fail(trx, SDK_ERRORS.userMismatch, 'Logged in with another account');
    if (refusal === 'not_open') return rejected(SDK_ERRORS.expiredBeforeTrigger);
    completeTransaction(
      { state, webhooks: options.webhooks, apiSecret: options.apiSecret, now: now() },
      trx,
      { smallcaseAuthId, broker },
    );
    const iat = Math.floor(now() / 1000);
    const smallcaseAuthToken = jwt.sign({ smallcaseAuthId, iat, exp: iat + CONNECTED_TOKEN_SECONDS }, key, {
      algorithm: 'HS256',
    });
    return {
      status: 'resolved',
      result: {
        smallcaseAuthToken,
        broker,
        transactionId: trx.transactionId,
        signup: false,
        ...(trx.notes === null ? {} : { notes: trx.notes }),
      },
    };
  }

  function apply(trx: EmulatedTransaction, action: SdkAction): SdkAnswer {
    switch (action.outcome) {
      case 'complete':
        return complete(trx, action);
      case 'cancel':
        return fail(trx, SDK_ERRORS.userCancelled, 'User closed the broker chooser');
      case 'expire':
        return fail(trx, SDK_ERRORS.expiredDuringFlow, 'Transaction expired during the flow');
      case 'error':
        return fail(trx, action.error, 'The broker flow failed');
    }
  }

  function finish(transactionId: string, action: SdkAction): SdkAnswer {
    const trx = state.transactions.get(transactionId);
    if (!trx) return rejected(SDK_ERRORS.invalidTransactionId);
    if (trx.status !== 'USED' || !openFlows.has(transactionId))
      return rejected(SDK_ERRORS.expiredBeforeTrigger);
    const answer = apply(trx, action);
    openFlows.delete(transactionId);
    return answer;
  }

  return {
    checkSession,
    start(transactionId, gateway, token) {
      const sessionProblem = checkSession(gateway, token);
      if (sessionProblem) return rejected(sessionProblem);
      const trx = state.transactions.get(transactionId);
      if (!trx) return rejected(SDK_ERRORS.invalidTransactionId);
      // One trigger per transactionId, and none after it expired, as the real SDK refuses.
      if (trx.status !== 'INITIALIZED' || now() >= trx.expireAt)
        return rejected(SDK_ERRORS.expiredBeforeTrigger);
      const session = principal(token);
      const sessionAccount = session?.kind === 'connected' ? session.smallcaseAuthId : undefined;
      if (sessionAccount && trx.createdBy && sessionAccount !== trx.createdBy) {
        return rejected(SDK_ERRORS.userMismatch);
      }
      Object.assign(trx, { status: 'USED', updatedAt: now() });
      if (openFlows.size >= MAX_OPEN_FLOWS) openFlows.delete(openFlows.keys().next().value as string);
      openFlows.set(transactionId, sessionAccount);
      const next = queued.shift();
      return next ? finish(transactionId, next) : { status: 'interactive' };
    },
    finish,
    summary(transactionId) {
      const trx = state.transactions.get(transactionId);
      if (!trx) return undefined;
      const account = trx.createdBy ?? openFlows.get(transactionId);
      return {
        transactionId,
        gateway: options.gatewayName,
        intent: trx.intent,
        status: trx.status,
        orderConfig: trx.orderConfig ?? null,
        broker: account ? (state.accounts.get(account) ?? null) : null,
        expireAt: new Date(trx.expireAt).toISOString(),
      };
    },
    queueNextOutcome(action) {
      queued.push(action);
      return queued.length;
    },
  };
}
