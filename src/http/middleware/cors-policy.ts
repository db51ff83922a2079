import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * CORS for the exact configured origins only. An allowed origin is echoed (required with
 * credentials); anything else, including `null` and look-alike hosts, gets no CORS headers.
 */
export function createCorsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}
