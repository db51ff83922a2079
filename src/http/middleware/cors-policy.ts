import cors from 'cors';
import type { Request, RequestHandler } from 'express';

/** What a frontend must be able to read: replay marker, draft-7 rate-limit headers, back-off, request id. */
export const EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
  'Idempotent-Replayed',
];

const MAX_LOGGED_ORIGIN_LENGTH = 200;

function isPreflight(req: Request): boolean {
  return (
    req.method === 'OPTIONS' &&
    req.headers.origin !== undefined &&
    req.headers['access-control-request-method'] !== undefined
  );
}

/**
 * CORS for the exact configured origins only. An allowed origin is echoed (required with
 * credentials); anything else, including `null` and look-alike hosts, gets no CORS headers.
 * A preflight from any other origin ends here, before the session check and the rate limiter,
 * with a bare `204` and an `info` line naming the origin. `204` rather than `403`: the browser
 * then reports the real cause (no `Access-Control-Allow-Origin`) rather than a failed status,
 * and a `403` would need a problem code the contract does not have.
 */
export function createCorsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  const allowedCors = cors({
    origin: true,
    credentials: true,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  return (req, res, next) => {
    const { origin } = req.headers;
    if (origin !== undefined && allowed.has(origin)) {
      allowedCors(req, res, next);
      return;
    }
    if (!isPreflight(req)) {
      next();
      return;
    }
    req.log.info(
      {
        origin: origin?.slice(0, MAX_LOGGED_ORIGIN_LENGTH),
        path: req.path.slice(0, MAX_LOGGED_ORIGIN_LENGTH),
      },
      'CORS preflight refused: origin not in CORS_ORIGINS',
    );
    res.status(204).end();
  };
}
