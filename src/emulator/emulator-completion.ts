import { postbackKindOf } from './emulator-postbacks.js';
import type { EmulatedTransaction, EmulatorState } from './emulator-state.js';
import { completionWebhook } from './emulator-webhook-payloads.js';
import type { EmulatorWebhooks } from './emulator-webhooks.js';

/** Why a transaction cannot be completed now, or undefined when it can. */
export function completionRefusal(
  trx: EmulatedTransaction,
  smallcaseAuthId: string,
  now: number,
): 'not_open' | 'expired' | 'user_mismatch' | undefined {
  if (trx.status !== 'INITIALIZED' && trx.status !== 'USED') return 'not_open';
  if (now >= trx.expireAt) return 'expired';
  if (trx.createdBy && trx.createdBy !== smallcaseAuthId) return 'user_mismatch';
  return undefined;
}

/**
 * Plays the user finishing the flow as `smallcaseAuthId` with `broker`: the transaction becomes
 * COMPLETED and the completion webhook goes out to its postback kind (when the emulator has a target).
 * Callers check {@link completionRefusal} first.
 */
export function completeTransaction(
  context: { state: EmulatorState; webhooks: EmulatorWebhooks | undefined; apiSecret: string; now: number },
  trx: EmulatedTransaction,
  account: { smallcaseAuthId: string; broker: string },
): void {
  Object.assign(trx, { status: 'COMPLETED', updatedAt: context.now, ...account });
  context.state.accounts.set(account.smallcaseAuthId, account.broker);
  context.webhooks?.dispatch(completionWebhook(trx, context.apiSecret, context.now), postbackKindOf(trx));
}
