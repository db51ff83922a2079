/**
 * The Gateway's postback retries (docs/webhooks.md; its model keeps a `retryAfter` of `15m`,
 * `24h`, `48h`, then `inf`): after a failed delivery it tries again 15 minutes, 24 hours and 48
 * hours later, then gives up.
 */
export const GATEWAY_REDELIVERY_SCHEDULE_MS: readonly number[] = Object.freeze([
  15 * 60 * 1000,
  24 * 60 * 60 * 1000,
  48 * 60 * 60 * 1000,
]);

/**
 * The waits before each redelivery, divided by `speedUp` (development and tests: 180000 turns
 * 15 min, 24 h, 48 h into 5 ms, 480 ms, 960 ms). At most `maxAttempts - 1` of them (all by default).
 */
export function redeliveryWaitsMs(options: { speedUp?: number; maxAttempts?: number } = {}): number[] {
  const speedUp = options.speedUp ?? 1;
  if (!(speedUp >= 1)) throw new Error('speedUp must be a number >= 1');
  const retries = Math.max(0, (options.maxAttempts ?? GATEWAY_REDELIVERY_SCHEDULE_MS.length + 1) - 1);
  return GATEWAY_REDELIVERY_SCHEDULE_MS.slice(0, retries).map((ms) => Math.round(ms / speedUp));
}
