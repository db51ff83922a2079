import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `condition` until it holds; fails naming `what` once `timeoutMs` has passed. Tests wait on
 * something they can observe, never on a guess of how long it takes, and a miss fails instead of
 * hanging. The bound is generous because CI runs on a loaded machine.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}
