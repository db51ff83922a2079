import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { type PostbackKind, type PostbackUrls, postbackUrlFor } from './emulator-postbacks.js';
import { redeliveryWaitsMs } from './emulator-redelivery.js';

export interface WebhookTarget extends PostbackUrls {
  /** Divides the Gateway's redelivery waits (15 min, 24 h, 48 h); default 1 (the real schedule). */
  readonly speedUp?: number;
  /** Deliveries tried in all, first try included; default 4 (the Gateway's first try and three retries). */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
}

export interface WebhookDelivery {
  readonly kind: PostbackKind;
  readonly url: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** One entry per try: the HTTP status, or the transport error's message. */
  readonly attempts: Array<number | string>;
  /** The wait before each redelivery, in ms. */
  readonly waitsMs: number[];
  delivered: boolean;
}

export interface EmulatorWebhooks {
  /** Changes the given settings for later webhooks (`urls` is replaced as a whole). */
  configure(target: WebhookTarget): void;
  readonly target: WebhookTarget;
  /** Sends `payload` to the URL for `kind` in the background, redelivering on non-2xx or a transport error. */
  dispatch(payload: Record<string, unknown>, kind?: PostbackKind): void;
  readonly deliveries: readonly WebhookDelivery[];
  /** Resolves when every dispatched webhook was delivered or gave up. */
  idle(): Promise<void>;
  /** Abandons pending redeliveries. */
  close(): void;
}

const MAX_KEPT_DELIVERIES = 200;

/**
 * Postbacks as the Gateway sends them: one URL per event kind (or a default), redelivered on the
 * Gateway's schedule after a failure, sped up for development and tests. A redelivery repeats the
 * first payload exactly, timestamp included (whether the Gateway re-signs is not known).
 */
export function createEmulatorWebhooks(initial: WebhookTarget = {}): EmulatorWebhooks {
  let target = initial;
  const deliveries: WebhookDelivery[] = [];
  const pending = new Set<Promise<void>>();
  const stop = new AbortController();

  async function attempt(delivery: WebhookDelivery, timeoutMs: number): Promise<boolean> {
    try {
      const response = await request(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'gateway-emulator' },
        body: JSON.stringify(delivery.payload),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: stop.signal,
      });
      await response.body.dump();
      delivery.attempts.push(response.statusCode);
      return response.statusCode >= 200 && response.statusCode < 300;
    } catch (error) {
      delivery.attempts.push(error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  async function deliver(delivery: WebhookDelivery, settings: WebhookTarget): Promise<void> {
    const timeoutMs = settings.timeoutMs ?? 5000;
    const waits = redeliveryWaitsMs({ speedUp: settings.speedUp, maxAttempts: settings.maxAttempts });
    for (let tried = 0; tried <= waits.length && !stop.signal.aborted; tried += 1) {
      const waitMs = waits[tried - 1];
      if (waitMs !== undefined) {
        delivery.waitsMs.push(waitMs);
        try {
          await sleep(waitMs, undefined, { signal: stop.signal });
        } catch {
          return;
        }
      }
      if (await attempt(delivery, timeoutMs)) {
        delivery.delivered = true;
        return;
      }
    }
  }

  return {
    configure(next) {
      target = { ...target, ...next };
    },
    get target() {
      return target;
    },
    dispatch(payload, kind = 'events') {
      const url = postbackUrlFor(target, kind);
      if (!url) return;
      const delivery: WebhookDelivery = { kind, url, payload, attempts: [], waitsMs: [], delivered: false };
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
