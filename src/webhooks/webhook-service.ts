import { AppError, InvalidRequestError, UnauthenticatedError } from '../errors/app-errors.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { WebhookRepository } from '../store/store.js';
import { isValidWebhookChecksum } from './webhook-checksum.js';
import type { WebhookEffectPlanner } from './webhook-effects.js';
import { eventKeyOf, isFresh, readAuthenticatedFields, readNotification } from './webhook-payload.js';

export type WebhookReceipt = 'applied' | 'duplicate';

export interface WebhookService {
  /** Verifies, deduplicates and applies one delivery; throws `unauthenticated` for a bad one. */
  receive(input: { body: unknown; requestId: string; log?: Logger }): Promise<WebhookReceipt>;
}

const REFUSED = 'The webhook checksum or timestamp is missing, invalid or out of range.';

export function createWebhookService(deps: {
  apiSecret: string;
  maxAgeSeconds: number;
  webhooks: WebhookRepository;
  planner: WebhookEffectPlanner;
  metrics: ServiceMetrics;
  now?: () => Date;
}): WebhookService {
  const now = deps.now ?? (() => new Date());

  function authenticate(body: unknown) {
    const fields = readAuthenticatedFields(body);
    const valid =
      fields !== undefined &&
      isValidWebhookChecksum(
        deps.apiSecret,
        {
          timestamp: fields.timestampText,
          smallcaseAuthId: fields.smallcaseAuthId,
          transactionId: fields.transactionId,
        },
        fields.checksum,
      ) &&
      isFresh(fields.timestampMs, now().getTime(), deps.maxAgeSeconds);
    if (!valid) throw new UnauthenticatedError(REFUSED);
    const event = readNotification(body, fields);
    if (!event) throw new InvalidRequestError('body: smallcaseAuthId and transactionId must be ids');
    return event;
  }

  async function receive(body: unknown, requestId: string, log: Logger | undefined): Promise<WebhookReceipt> {
    const event = authenticate(body);
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
        payload: body,
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
