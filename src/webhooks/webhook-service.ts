import { AppError, InvalidRequestError, UnauthenticatedError } from '../errors/app-errors.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { TransactionRepository, WebhookRepository } from '../store/store.js';
import { type ChecksumMatch, isChecksumShaped, verifyWebhookChecksum } from './webhook-checksum.js';
import type { WebhookEffectPlanner } from './webhook-effects.js';
import {
  type AuthenticatedFields,
  eventKeyOf,
  isFresh,
  readAuthenticatedFields,
  readNotification,
  storedFieldsOf,
  type WebhookNotification,
  writtenTimestampText,
} from './webhook-payload.js';

export type WebhookReceipt = 'applied' | 'duplicate';

export interface WebhookService {
  /** Verifies, deduplicates and applies one delivery; throws `unauthenticated` for a bad one. */
  receive(input: {
    body: unknown;
    /** The body's text as received, to read a number timestamp as written; absent: not checked. */
    rawBody?: string | undefined;
    requestId: string;
    log?: Logger;
  }): Promise<WebhookReceipt>;
}

const REFUSED = 'The webhook checksum or timestamp is missing, invalid or out of range.';

export function createWebhookService(deps: {
  apiSecret: string;
  /** GATEWAY_API_SECRET_PREVIOUS: during a rotation, checksums keyed with it are accepted too. */
  previousApiSecret?: string | undefined;
  maxAgeSeconds: number;
  webhooks: WebhookRepository;
  /** To tell a transactionId the checksum does not cover from a made-up one. */
  transactions: Pick<TransactionRepository, 'findById'>;
  planner: WebhookEffectPlanner;
  metrics: ServiceMetrics;
  now?: () => Date;
}): WebhookService {
  const now = deps.now ?? (() => new Date());

  const keys = [deps.apiSecret, ...(deps.previousApiSecret ? [deps.previousApiSecret] : [])];

  function matchOf(fields: AuthenticatedFields): ChecksumMatch | undefined {
    const { timestampText: timestamp, smallcaseAuthId, transactionId } = fields;
    return verifyWebhookChecksum(keys, { timestamp, smallcaseAuthId, transactionId }, fields.checksum);
  }

  /**
   * The fields as signed, and the match. A number timestamp is checked in its shortest form first
   * (what JavaScript, Python and Go write, and the same value, so the same event, whatever text a
   * replay puts in the body); only when that fails is the number read again as written in the raw
   * body (`1.7E9`, `1700000000.50`), so that costly re-read is never paid by a delivery that
   * verifies at once, and a refused one counts against the refusal budget.
   */
  function verify(
    fields: AuthenticatedFields | undefined,
    rawBody: string | undefined,
  ): { signed: AuthenticatedFields; match: ChecksumMatch } | undefined {
    if (!fields || !isChecksumShaped(fields.checksum)) return undefined;
    if (!isFresh(fields.timestampMs, now().getTime(), deps.maxAgeSeconds)) return undefined;
    const match = matchOf(fields);
    if (match) return { signed: fields, match };
    if (!fields.timestampIsNumber || rawBody === undefined) return undefined;
    const written = writtenTimestampText(rawBody);
    if (written === undefined || written === fields.timestampText) return undefined;
    const signed = { ...fields, timestampText: written };
    const writtenMatch = matchOf(signed);
    return writtenMatch ? { signed, match: writtenMatch } : undefined;
  }

  function authenticate(
    body: unknown,
    rawBody: string | undefined,
  ): { event: WebhookNotification; match: ChecksumMatch } {
    const verified = verify(readAuthenticatedFields(body), rawBody);
    if (!verified) throw new UnauthenticatedError(REFUSED);
    const { signed: fields, match } = verified;
    // A smallcaseAuthId beside a checksum over the transactionId is not covered by it: never used.
    const signed = match.signedId === 'transactionId' ? { ...fields, smallcaseAuthId: undefined } : fields;
    const event = readNotification(body, signed);
    if (!event) throw new InvalidRequestError('body: smallcaseAuthId and transactionId must be ids');
    return { event, match };
  }

  /**
   * The Gateway's transaction webhooks sign the smallcaseAuthId only: their transactionId is an
   * unsigned hint of which transaction to read from the Gateway. One this service never created
   * is dropped before the event key is made, so that a captured webhook replayed with made-up
   * ids is one event (a duplicate), not a new event and new Gateway calls per id.
   */
  async function withoutUnknownHint(
    event: WebhookNotification,
    match: ChecksumMatch,
    body: unknown,
  ): Promise<WebhookNotification> {
    if (match.signedId !== 'smallcaseAuthId' || event.transactionId === undefined) return event;
    if (await deps.transactions.findById(event.transactionId)) return event;
    return readNotification(body, { ...event, transactionId: undefined }) ?? event;
  }

  async function receive(
    body: unknown,
    rawBody: string | undefined,
    requestId: string,
    log: Logger | undefined,
  ): Promise<WebhookReceipt> {
    const authenticated = authenticate(body, rawBody);
    const { match } = authenticated;
    const event = await withoutUnknownHint(authenticated.event, match, body);
    const eventKey = eventKeyOf(event);
    if (await deps.webhooks.isRecorded(eventKey)) return 'duplicate';
    const effects = await deps.planner.plan(event, requestId);
    const outcome = await deps.webhooks.recordOnce(
      {
        eventKey,
        kind: event.kind,
        transactionId: event.transactionId ?? null,
        smallcaseAuthId: event.smallcaseAuthId ?? null,
        receivedAt: now(),
        payload: storedFieldsOf(event),
      },
      effects,
    );
    if (outcome.status === 'applied') {
      log?.info(
        {
          webhook: event.kind,
          transactionId: event.transactionId,
          transactionStatus: effects.transactionUpdate?.status,
          link: outcome.linkOutcome?.status,
          holdingsSnapshot: effects.holdingsSnapshot !== undefined,
          ...(match.keyIndex > 0 ? { checksumKey: 'GATEWAY_API_SECRET_PREVIOUS' } : {}),
        },
        'webhook applied',
      );
    }
    return outcome.status;
  }

  return {
    async receive({ body, rawBody, requestId, log }) {
      try {
        const receipt = await receive(body, rawBody, requestId, log);
        deps.metrics.webhook(receipt);
        return receipt;
      } catch (error) {
        const rejected =
          error instanceof AppError && (error.code === 'unauthenticated' || error.code === 'invalid_request');
        deps.metrics.webhook(rejected ? 'rejected' : 'failed');
        throw error;
      }
    },
  };
}
