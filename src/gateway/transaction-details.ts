import { z } from 'zod';
import type { SuccessTokenVerifier } from '../tokens/success-token-verifier.js';
import { type DetailsShape, readDetailsAccount } from './details-account.js';
import { readDateLike } from './gateway-dates.js';
import { GatewayError } from './gateway-errors.js';

/**
 * What the service needs from the transaction-details API. Its schema is not published: fields
 * sit directly in `data` or under `data.transactionDetails`, and the user in one of three shapes
 * (`details-account.ts`; docs/gateway.md, "Transaction details: three shapes"), so all parsing of
 * it lives here.
 */
export interface TransactionDetails {
  readonly transactionId: string;
  readonly intent: string | null;
  readonly status: string;
  readonly smallcaseAuthId: string | null;
  readonly broker: string | null;
  readonly expireAt: string | null;
  readonly expired: boolean | null;
  readonly error: { readonly code: string | null; readonly message: string | null } | null;
  /** The shapes that named the user (empty while nobody completed it). */
  readonly shapes: readonly DetailsShape[];
}

const text = z.string().min(1).max(256);
const details = z.object({
  transactionId: text.optional(),
  intent: text.optional(),
  status: z.string().regex(/^[A-Z_]{1,40}$/),
  expireAt: z.unknown(),
  expired: z.boolean().nullish(),
  error: z
    .object({ code: z.union([z.string(), z.number()]).nullish(), message: z.string().nullish() })
    .nullish(),
});

/** Reads transaction details from the upstream `data`; an unreadable shape is a 502. */
export function parseTransactionDetails(
  data: unknown,
  transactionId: string,
  verifySuccessToken: SuccessTokenVerifier,
): TransactionDetails {
  const inner =
    typeof data === 'object' && data !== null && 'transactionDetails' in data
      ? (data as { transactionDetails: unknown }).transactionDetails
      : data;
  const parsed = details.safeParse(inner);
  if (!parsed.success) throw new GatewayError('The Gateway sent transaction details we cannot read.');
  const d = parsed.data;
  if (d.transactionId !== undefined && d.transactionId !== transactionId) {
    throw new GatewayError('The Gateway sent details of a different transaction.');
  }
  const account = readDetailsAccount(data, verifySuccessToken);
  return {
    transactionId,
    intent: d.intent ?? null,
    status: d.status,
    smallcaseAuthId: account.smallcaseAuthId,
    broker: account.broker,
    expireAt: readDateLike(d.expireAt)?.toISOString() ?? null,
    expired: d.expired ?? null,
    error: d.error
      ? {
          code:
            d.error.code === undefined || d.error.code === null ? null : String(d.error.code).slice(0, 64),
          message: d.error.message?.slice(0, 256) ?? null,
        }
      : null,
    shapes: account.shapes,
  };
}
