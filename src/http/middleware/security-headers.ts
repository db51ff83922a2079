import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

type HeaderPair = readonly [name: string, value: string];

/**
 * Runs helmet once against a recording response and returns what it set: helmet stays the
 * source of the values, but its header set is static for our options, so there is no reason to
 * rebuild it on every request.
 */
export function helmetHeaderSet(options?: Parameters<typeof helmet>[0]): readonly HeaderPair[] {
  const headers = new Map<string, HeaderPair>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), [name, String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let error: unknown;
  let called = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    called = true;
    error = err;
  });
  if (!called || error !== undefined) throw new Error('helmet did not produce a static header set');
  return [...headers.values()];
}

/** Helmet's headers on every response, set from the precomputed list; `X-Powered-By` removed. */
export function createSecurityHeaders(options?: Parameters<typeof helmet>[0]): RequestHandler {
  const pairs = helmetHeaderSet(options);
  return (_req, res, next) => {
    for (const [name, value] of pairs) res.setHeader(name, value);
    res.removeHeader('X-Powered-By');
    next();
  };
}
