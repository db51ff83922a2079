import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

export type HelmetOptions = Parameters<typeof helmet>[0];
export type HeaderPair = readonly [name: string, value: string];

/**
 * helmet with a Content-Security-Policy for an API that serves no HTML: nothing may load into,
 * frame or embed its answers.
 */
export const API_HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
} as const satisfies HelmetOptions;

/**
 * Runs helmet once against a recording response and returns what it set: helmet stays the
 * source of the values, but its header set is static for our options, so there is no reason to
 * rebuild it on every request.
 */
export function helmetHeaderSet(options?: HelmetOptions): readonly HeaderPair[] {
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

/**
 * The security headers of every answer: the app's, and those written for requests Node's HTTP
 * parser rejects before the app runs (`lifecycle/client-error-response.ts`).
 */
export const API_SECURITY_HEADERS = helmetHeaderSet(API_HELMET_OPTIONS);
