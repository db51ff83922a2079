import type { RequestHandler } from 'express';
import { ipKeyGenerator, type Store as RateLimitStore, rateLimit } from 'express-rate-limit';
import { RateLimitedError } from '../../errors/app-errors.js';
import { sessionUserId } from './partner-session.js';

export type { Store as RateLimitStore } from 'express-rate-limit';

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute window per verified partner user, else per client IP, so unauthenticated
 * and failed attempts count too. Must run after `resolvePartnerSession`.
 */
export function createRateLimit(options: { perMinute: number; store?: RateLimitStore }): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: options.perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(options.store ? { store: options.store } : {}),
    keyGenerator: (req) => {
      const userId = sessionUserId(req);
      return userId === undefined ? `ip:${ipKeyGenerator(req.ip ?? 'unknown')}` : `user:${userId}`;
    },
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : 60;
      next(new RateLimitedError(Math.max(1, seconds)));
    },
    // Trust-proxy is validated at start-up by our own config; keep the library quiet.
    validate: { trustProxy: false, xForwardedForHeader: false },
  });
}
