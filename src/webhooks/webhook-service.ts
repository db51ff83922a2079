import { AppError, InvalidRequestError, UnauthenticatedError } from '../errors/app-errors.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { WebhookRepository } from '../store/store.js';
import { type ChecksumMatch, verifyWebhookChecksum } from './webhook-checksum.js';
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
   * The fields as signed, and the match. JSON.parse keeps only a number's value, so a number
   * timestamp's text is read again from the raw body (lossless-json, ~10x the cost of JSON.parse)
   * once the timestamp is fresh: `1.7e9` signed as `1700000000` is not what was sent.
   */
  function verify(
    fields: AuthenticatedFields | undefined,
    rawBody: string | undefined,
  ): { signed: AuthenticatedFields; match: ChecksumMatch } | undefined {
    if (!fields || !isFresh(fields.timestampMs, now().getTime(), deps.maxAgeSeconds)) return undefined;
    const written =
      fields.timestampIsNumber && rawBody !== undefined ? writtenTimestampText(rawBody) : undefined;
    if (fields.timestampIsNumber && rawBody !== undefined && written === undefined) return undefined;
    const signed = written === undefined ? fields : { ...fields, timestampText: written };
    const match = matchOf(signed);
    return match ? { signed, match } : undefined;
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

  async function receive(
    body: unknown,
    rawBody: string | undefined,
    requestId: string,
    log: Logger | undefined,
  ): Promise<WebhookReceipt> {
    const { event, match } = authenticate(body, rawBody);
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
