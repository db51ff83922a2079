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
} from './webhook-payload.js';

export type WebhookReceipt = 'applied' | 'duplicate';

export interface WebhookService {
  /** Verifies, deduplicates and applies one delivery; throws `unauthenticated` for a bad one. */
  receive(input: { body: unknown; requestId: string; log?: Logger }): Promise<WebhookReceipt>;
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

  function verify(fields: AuthenticatedFields | undefined): ChecksumMatch | undefined {
    if (!fields || !isFresh(fields.timestampMs, now().getTime(), deps.maxAgeSeconds)) return undefined;
    const { timestampText: timestamp, smallcaseAuthId, transactionId } = fields;
    return verifyWebhookChecksum(keys, { timestamp, smallcaseAuthId, transactionId }, fields.checksum);
  }

  function authenticate(body: unknown): { event: WebhookNotification; match: ChecksumMatch } {
    const fields = readAuthenticatedFields(body);
    const match = verify(fields);
    if (!fields || !match) throw new UnauthenticatedError(REFUSED);
    // A smallcaseAuthId beside a checksum over the transactionId is not covered by it: never used.
    const signed = match.signedId === 'transactionId' ? { ...fields, smallcaseAuthId: undefined } : fields;
    const event = readNotification(body, signed);
    if (!event) throw new InvalidRequestError('body: smallcaseAuthId and transactionId must be ids');
    return { event, match };
  }

  async function receive(body: unknown, requestId: string, log: Logger | undefined): Promise<WebhookReceipt> {
    const { event, match } = authenticate(body);
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
    async receive({ body, requestId, log }) {
      try {
        const receipt = await receive(body, requestId, log);
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
