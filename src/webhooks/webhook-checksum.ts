import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The fields the smallcase webhook checksum covers. `timestamp` is used exactly as its text was
 * sent (a JSON number's decimal text, or the string), so a receiver must not reformat it.
 */
export interface ChecksumInput {
  readonly timestamp: number | string;
  readonly smallcaseAuthId?: string | null | undefined;
  readonly transactionId?: string | null | undefined;
}

/** Which id a verified checksum covers, and which key made it (0: the apiSecret, 1: the previous one). */
export interface ChecksumMatch {
  readonly signedId: 'smallcaseAuthId' | 'transactionId';
  readonly keyIndex: number;
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Whether `value` can be a checksum at all (64 hex digits, either case): checked before any costly work. */
export function isChecksumShaped(value: unknown): value is string {
  return typeof value === 'string' && HEX_SHA256.test(value);
}

function hmac(key: string, timestamp: number | string, id: string): Buffer {
  return createHmac('sha256', key)
    .update(`${String(timestamp)}${id}`, 'utf8')
    .digest();
}

/**
 * Lowercase hex HMAC-SHA256 keyed with the apiSecret over the timestamp's text followed by
 * `smallcaseAuthId`, or by `transactionId` when the payload has no `smallcaseAuthId` (as the
 * Gateway signs MF imports).
 */
export function computeWebhookChecksum(apiSecret: string, input: ChecksumInput): string {
  const id = input.smallcaseAuthId || input.transactionId;
  if (!id) throw new Error('webhook checksum needs smallcaseAuthId or transactionId');
  return hmac(apiSecret, input.timestamp, id).toString('hex');
}

/**
 * A webhook body as the Gateway sends it: `extra`, then `timestamp`, the ids that are present,
 * and the checksum over them. Pass `timestamp` in the form the body should carry; its text is
 * what gets signed.
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

/**
 * Checks a received checksum (64 hex digits, either case) against every candidate: each key
 * (the apiSecret, then the previous one during a rotation) over the timestamp text followed by
 * each id present. Every candidate is computed and compared in constant time, with no early exit,
 * so the time taken does not say which one matched. Undefined when none does.
 */
export function verifyWebhookChecksum(
  keys: readonly string[],
  input: ChecksumInput,
  received: unknown,
): ChecksumMatch | undefined {
  if (!isChecksumShaped(received)) return undefined;
  const receivedBytes = Buffer.from(received, 'hex');
  const ids = (['smallcaseAuthId', 'transactionId'] as const).filter((name) => input[name]);
  let match: ChecksumMatch | undefined;
  keys.forEach((key, keyIndex) => {
    for (const signedId of ids) {
      const equal = timingSafeEqual(hmac(key, input.timestamp, input[signedId] as string), receivedBytes);
      match = equal && match === undefined ? { signedId, keyIndex } : match;
    }
  });
  return match;
}
