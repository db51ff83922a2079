import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The fields the smallcase webhook checksum covers. `timestamp` is used exactly as its decimal
 * text was sent (a JSON number or numeric string), so a receiver must not reformat it.
 */
export interface ChecksumInput {
  readonly timestamp: number | string;
  readonly smallcaseAuthId?: string | null | undefined;
  readonly transactionId?: string | null | undefined;
}

/** The text the checksum is computed over; undefined when neither id is present. */
function checksumMessage(input: ChecksumInput): string | undefined {
  const id = input.smallcaseAuthId || input.transactionId;
  if (!id) return undefined;
  return `${String(input.timestamp)}${id}`;
}

/**
 * Lowercase hex HMAC-SHA256 keyed with the apiSecret over the timestamp's decimal text followed
 * by `smallcaseAuthId`, or by `transactionId` when the payload has no `smallcaseAuthId`.
 */
export function computeWebhookChecksum(apiSecret: string, input: ChecksumInput): string {
  const message = checksumMessage(input);
  if (message === undefined) throw new Error('webhook checksum needs smallcaseAuthId or transactionId');
  return createHmac('sha256', apiSecret).update(message, 'utf8').digest('hex');
}

/**
 * A webhook body as the Gateway sends it: `extra`, then `timestamp`, the ids that are present,
 * and the checksum over them. Pass `timestamp` in the form the body should carry; its decimal
 * text is what gets signed.
 */
export function signWebhook(
  apiSecret: string,
  fields: ChecksumInput,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const checksum = computeWebhookChecksum(apiSecret, fields);
  return {
    ...extra,
    timestamp: fields.timestamp,
    ...(fields.smallcaseAuthId ? { smallcaseAuthId: fields.smallcaseAuthId } : {}),
    ...(fields.transactionId ? { transactionId: fields.transactionId } : {}),
    checksum,
  };
}

/** Constant-time comparison of a received checksum with the expected one. */
export function isValidWebhookChecksum(apiSecret: string, input: ChecksumInput, received: unknown): boolean {
  if (typeof received !== 'string' || !/^[0-9a-f]{64}$/.test(received)) return false;
  const message = checksumMessage(input);
  if (message === undefined) return false;
  const expected = createHmac('sha256', apiSecret).update(message, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}
