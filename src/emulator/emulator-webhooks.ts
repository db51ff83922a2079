import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

export interface WebhookTarget {
  /** Where completion webhooks go; none are sent without it. */
  readonly url?: string | undefined;
  /** Deliveries tried in all (first try included); default 5. */
  readonly maxAttempts?: number;
  /** Delay before the first redelivery, doubled each time; default 1000 ms. */
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
}

export interface WebhookDelivery {
  readonly url: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** One entry per try: the HTTP status, or the transport error's message. */
  readonly attempts: Array<number | string>;
  delivered: boolean;
}

export interface EmulatorWebhooks {
  /** Changes the target for later webhooks (tests point it at an app that started after the emulator). */
  configure(target: WebhookTarget): void;
  /** Sends `payload` in the background, redelivering on non-2xx or a transport error. */
  dispatch(payload: Record<string, unknown>): void;
  readonly deliveries: readonly WebhookDelivery[];
  /** Resolves when every dispatched webhook was delivered or gave up. */
  idle(): Promise<void>;
  /** Abandons pending redeliveries. */
  close(): void;
}

const MAX_KEPT_DELIVERIES = 200;

/** Completion webhooks with bounded, exponentially backed-off redelivery (like a real sender). */
export function createEmulatorWebhooks(initial: WebhookTarget = {}): EmulatorWebhooks {
  let target = initial;
  const deliveries: WebhookDelivery[] = [];
  const pending = new Set<Promise<void>>();
  const stop = new AbortController();

  async function deliver(delivery: WebhookDelivery, settings: WebhookTarget): Promise<void> {
    const maxAttempts = settings.maxAttempts ?? 5;
    const timeout = settings.timeoutMs ?? 5000;
    for (let attempt = 1; attempt <= maxAttempts && !stop.signal.aborted; attempt += 1) {
      if (attempt > 1) {
        try {
          await sleep((settings.backoffMs ?? 1000) * 2 ** (attempt - 2), undefined, { signal: stop.signal });
        } catch {
          return;
        }
      }
      try {
        const response = await request(delivery.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'gateway-emulator' },
          body: JSON.stringify(delivery.payload),
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal: stop.signal,
        });
        await response.body.dump();
        delivery.attempts.push(response.statusCode);
        if (response.statusCode >= 200 && response.statusCode < 300) {
          delivery.delivered = true;
          return;
        }
      } catch (error) {
        delivery.attempts.push(error instanceof Error ? error.message : String(error));
      }
    }
  }

  return {
    configure(next) {
      target = { ...target, ...next };
    },
    dispatch(payload) {
      if (!target.url) return;
      const delivery: WebhookDelivery = { url: target.url, payload, attempts: [], delivered: false };
      deliveries.push(delivery);
      if (deliveries.length > MAX_KEPT_DELIVERIES) deliveries.shift();
      const running = deliver(delivery, target).finally(() => pending.delete(running));
      pending.add(running);
    },
    deliveries,
    async idle() {
      while (pending.size > 0) await Promise.all(pending);
    },
    close() {
      stop.abort();
    },
  };
}
