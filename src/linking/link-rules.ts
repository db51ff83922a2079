import { AppError } from '../errors/app-errors.js';
import { GatewayError } from '../gateway/gateway-errors.js';
import type { TransactionDetails } from '../gateway/transaction-details.js';
import type { LinkOutcome, NewLink, TransactionRecord, WebhookLink } from '../store/store.js';

/**
 * The link a transaction's Gateway details call for, shared by `POST /link` and the webhook
 * receiver: only a COMPLETED transaction links, and only to the account the Gateway names.
 * Undefined when the details call for no link.
 */
function completedLink(partnerUserId: string, details: TransactionDetails, at: Date): NewLink | undefined {
  if (details.status !== 'COMPLETED' || !details.smallcaseAuthId) return undefined;
  return { partnerUserId, smallcaseAuthId: details.smallcaseAuthId, broker: details.broker, at };
}

/**
 * The link a webhook for one of our transactions calls for. A notification is never newer than
 * the user's own choice: if the owner unlinked at or after the transaction was created, the store
 * refuses it (`unlinked_since`), checked in the same database transaction as the link.
 */
export function webhookLink(
  record: TransactionRecord,
  details: TransactionDetails,
  at: Date,
): WebhookLink | undefined {
  const link = completedLink(record.partnerUserId, details, at);
  return link && { ...link, notUnlinkedSince: record.createdAt };
}

/** Like `completedLink`, but throws the error `POST /link` answers when there is nothing to link. */
export function requireCompletedLink(partnerUserId: string, details: TransactionDetails, at: Date): NewLink {
  if (details.status !== 'COMPLETED') {
    throw new AppError('transaction_not_complete', `The transaction is ${details.status}, not COMPLETED.`);
  }
  const link = completedLink(partnerUserId, details, at);
  if (!link) throw new GatewayError('The Gateway did not say which account completed the transaction.');
  return link;
}

export type RefusedLink = Extract<LinkOutcome, { status: 'account_in_use' | 'user_already_linked' }>;

/** Whether the uniqueness rules refused the link (the user stays as they were). */
export function isRefused(outcome: LinkOutcome): outcome is RefusedLink {
  return outcome.status === 'account_in_use' || outcome.status === 'user_already_linked';
}

/** The error `POST /link` answers for a refused link. */
export function linkRefusal(outcome: RefusedLink): AppError {
  if (outcome.status === 'account_in_use') {
    return new AppError('smallcase_account_in_use', 'That smallcase account is linked to another user.');
  }
  return new AppError('already_linked', 'This user is linked to another smallcase account; unlink first.');
}
