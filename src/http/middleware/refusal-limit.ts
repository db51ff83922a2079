import type { RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore } from 'express-rate-limit';
import { RateLimitedError } from '../../errors/app-errors.js';
import { closeUnreadBody } from './json-body.js';

const WINDOW_MS = 60_000;

function isRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429;
}

/**
 * For unauthenticated routes that must stay open to their legitimate caller (webhooks): only
 * refused requests (a 4xx answer) count, per client IP in a one-minute window, and once an IP has
 * `perMinute` of them its requests get `429` before their body is read or parsed. Counters live in
 * this instance's memory (express-rate-limit's `MemoryStore`, which drops clients idle for a window),
 * because the CPU being protected is this instance's. Accepted requests never count, so a burst
 * of genuine deliveries is never throttled.
 */
export function createRefusalLimit(options: { perMinute: number }): RequestHandler {
  const store = new MemoryStore();
  store.init({ windowMs: WINDOW_MS } as Parameters<MemoryStore['init']>[0]);
  return async (req, res, next) => {
    const key = ipKeyGenerator(req.ip ?? 'unknown');
    const counted = await store.get(key);
    if (counted && counted.totalHits >= options.perMinute) {
      const seconds = Math.ceil(((counted.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000);
      closeUnreadBody(res);
      next(new RateLimitedError(Math.max(1, seconds)));
      return;
    }
    res.once('finish', () => {
      if (isRefusal(res.statusCode)) void store.increment(key);
    });
    next();
  };
}
