import type { RequestHandler } from 'express';
import { API_SECURITY_HEADERS, type HeaderPair } from '../security-header-set.js';

/** Sets `headers` (helmet's, precomputed) on every response and removes `X-Powered-By`. */
export function createSecurityHeaders(headers: readonly HeaderPair[] = API_SECURITY_HEADERS): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    res.removeHeader('X-Powered-By');
    next();
  };
}
