import { createHash } from 'node:crypto';
import { isLosslessNumber, parse as parseLosslessJson } from 'lossless-json';
import { z } from 'zod';
import { TRANSACTION_ID } from '../gateway/gateway-ids.js';

/** What a webhook is about, from its body alone (the body is a notification, not evidence). */
export type WebhookKind = 'transaction' | 'holdings_import' | 'mf_holdings_import' | 'account';

/** The fields the checksum covers, in the form they were sent. */
export interface AuthenticatedFields {
  readonly checksum: unknown;
  /**
   * The timestamp's text: the string, or a JSON number's shortest form (what JavaScript, Python
   * and Go write); `writtenTimestampText` recovers a number written otherwise (`1.7E9`, `5.10`).
   */
  readonly timestampText: string;
  readonly timestampIsNumber: boolean;
  readonly timestampMs: number;
  readonly smallcaseAuthId: string | undefined;
  readonly transactionId: string | undefined;
}

export interface WebhookNotification extends AuthenticatedFields {
  readonly kind: WebhookKind;
  readonly batchId: string | undefined;
  readonly status: string | undefined;
  readonly intent: string | undefined;
}

const MS_THRESHOLD = 1e12;

// The unit and format of `timestamp` are not documented (docs/webhooks.md): epoch seconds or
// milliseconds as a JSON number or a decimal string, or ISO 8601 with a zone (a zoneless time
// cannot be checked for freshness).
const EPOCH_TEXT = /^\d{1,16}(\.\d{1,9})?$/;
const epoch = z.union([z.number().nonnegative(), z.string().regex(EPOCH_TEXT)]);
const isoTimestamp = z.iso.datetime({ offset: true });

// `z.object` strips unknown keys and reads only its own shape, so `__proto__` or `constructor`
// keys in the body are never copied anywhere.
const authenticated = z.object({
  checksum: z.unknown(),
  timestamp: z.union([epoch, isoTimestamp]),
  smallcaseAuthId: z.string().max(128).nullish(),
  transactionId: z.string().max(128).nullish(),
});

// Unauthenticated extras: an unreadable value is ignored rather than refused.
const label = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^[A-Za-z0-9 _.:-]{1,128}$/))
  .optional()
  .catch(undefined);
const notification = z.object({ batchId: label, status: label, intent: label });

/**
 * Reads the checksum-covered fields; undefined when they are missing or malformed, which the
 * caller answers like a bad checksum. An empty `smallcaseAuthId` counts as absent.
 */
export function readAuthenticatedFields(body: unknown): AuthenticatedFields | undefined {
  const parsed = authenticated.safeParse(body);
  if (!parsed.success) return undefined;
  const { checksum, timestamp, smallcaseAuthId, transactionId } = parsed.data;
  const timestampIsNumber = typeof timestamp === 'number';
  return {
    checksum,
    timestampText: String(timestamp),
    timestampIsNumber,
    timestampMs: timestampMsOf(timestamp, timestampIsNumber || EPOCH_TEXT.test(String(timestamp))),
    smallcaseAuthId: smallcaseAuthId || undefined,
    transactionId: transactionId || undefined,
  };
}

function timestampMsOf(timestamp: number | string, isEpoch: boolean): number {
  if (!isEpoch) return Date.parse(String(timestamp));
  const value = Number(timestamp);
  return value >= MS_THRESHOLD ? value : value * 1000;
}

/**
 * lossless-json reads ~10 MB/s against JSON.parse's ~100, and an unauthenticated caller chooses
 * the body: the re-read stops at this size (~25 ms), far above any webhook seen.
 */
const WRITTEN_TIMESTAMP_MAX_BODY = 256 * 1024;
/** `1733390000.123456789`, `1.733390000123456E12`: a timestamp longer than this is not one. */
const WRITTEN_TIMESTAMP_MAX_LENGTH = 32;

/**
 * The top-level `timestamp` number's text exactly as written in the body, when it is a number:
 * JSON.parse keeps only the value. Undefined for a body over 256 KB, a number longer than 32
 * characters, and a body lossless-json refuses (such as one key twice with different values,
 * where JSON.parse silently keeps the last, or nesting deeper than its recursion goes).
 */
export function writtenTimestampText(rawBody: string): string | undefined {
  if (rawBody.length > WRITTEN_TIMESTAMP_MAX_BODY) return undefined;
  try {
    const parsed = parseLosslessJson(rawBody);
    if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, 'timestamp'))
      return undefined;
    const timestamp = (parsed as Record<string, unknown>).timestamp;
    if (!isLosslessNumber(timestamp) || timestamp.value.length > WRITTEN_TIMESTAMP_MAX_LENGTH)
      return undefined;
    return timestamp.value;
  } catch {
    return undefined;
  }
}

/** The rest of the body, read after the checksum verified; undefined when an id is not an id. */
export function readNotification(
  body: unknown,
  fields: AuthenticatedFields,
): WebhookNotification | undefined {
  const ids = [fields.smallcaseAuthId, fields.transactionId].filter((id) => id !== undefined);
  // smallcaseAuthIds are held to the same shape as transaction ids.
  if (ids.some((id) => !TRANSACTION_ID.test(id))) return undefined;
  const { batchId, status, intent } = notification.parse(body);
  return { ...fields, batchId, status, intent, kind: kindOf(fields, intent, body) };
}

function kindOf(fields: AuthenticatedFields, intent: string | undefined, body: unknown): WebhookKind {
  // MF imports are checksummed over the transactionId because they carry no smallcaseAuthId.
  if (intent === 'MF_HOLDINGS_IMPORT') return 'mf_holdings_import';
  if (intent === undefined && fields.smallcaseAuthId === undefined) return 'mf_holdings_import';
  const hasHoldings = typeof body === 'object' && body !== null && Object.hasOwn(body, 'securities');
  if (intent === 'HOLDINGS_IMPORT' || hasHoldings) return 'holdings_import';
  return fields.transactionId === undefined ? 'account' : 'transaction';
}

/**
 * The deduplication key: SHA-256 over the checksum-covered fields only, the timestamp text and the
 * ids (a transactionId the checksum does not cover is kept only when it names a known
 * transaction: see the webhook service). A redelivery, or a replay with other unsigned fields
 * (status, padding, the checksum's letter case), gets the same key. The checksum itself is left
 * out: it is a function of these fields and the key, so a redelivery signed with the new
 * apiSecret during a rotation stays the same event. "Orders placed" and "batch complete" of one
 * transaction differ in their timestamp.
 */
export function eventKeyOf(event: AuthenticatedFields): string {
  const parts = [event.timestampText, event.smallcaseAuthId ?? '', event.transactionId ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** What is stored of an event: the fields the service reads, never the rest of the body. */
export function storedFieldsOf(event: WebhookNotification): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    timestamp: event.timestampText,
    smallcaseAuthId: event.smallcaseAuthId,
    transactionId: event.transactionId,
    intent: event.intent,
    status: event.status,
    batchId: event.batchId,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
}

/** Whether `timestampMs` is within `maxAgeSeconds` in the past and five minutes in the future. */
export function isFresh(timestampMs: number, nowMs: number, maxAgeSeconds: number): boolean {
  const FUTURE_SKEW_MS = 5 * 60 * 1000;
  return timestampMs >= nowMs - maxAgeSeconds * 1000 && timestampMs <= nowMs + FUTURE_SKEW_MS;
}
