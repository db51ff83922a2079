import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { GatewayError, GatewayUnavailableError } from './gateway-errors.js';

/** How one attempt ended, and whether another attempt could help. */
export type AttemptResult =
  | { readonly ok: true; readonly data: unknown }
  | {
      readonly ok: false;
      readonly error: Error;
      readonly retryable: boolean;
      /** The Gateway itself is fine (it answered a 4xx): does not count against the breaker. */
      readonly upstreamHealthy: boolean;
    };

const envelope = z.object({
  success: z.boolean(),
  errors: z.array(z.unknown()).nullish(),
  data: z.unknown(),
});

const MAX_RETRY_AFTER_SECONDS = 60;

/** Drops a body we will not read; the abort it causes is expected, not an error. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

/** Reads at most `maxBytes` of the body; a larger body is refused before it is buffered. */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      discard(body);
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Upstream messages for `detail`: a few short strings, control characters and secrets removed. */
export function describeUpstreamErrors(errors: unknown, secrets: readonly string[]): string {
  if (!Array.isArray(errors)) return '';
  const messages = errors
    .filter((item): item is string => typeof item === 'string')
    .slice(0, 3)
    .map((message) => {
      let clean = message.replace(/\p{Cc}/gu, ' ');
      for (const secret of secrets) if (secret) clean = clean.replaceAll(secret, '[redacted]');
      return clean.slice(0, 200);
    });
  return messages.length > 0 ? `: ${messages.join('; ')}` : '';
}

function retryAfterOf(headers: Dispatcher.ResponseData['headers']): number | undefined {
  const raw = headers['retry-after'];
  const value = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : undefined;
  return value === undefined ? undefined : Math.min(Math.max(value, 1), MAX_RETRY_AFTER_SECONDS);
}

/** Turns one upstream response into data or a typed error; never follows a redirect. */
export async function interpretResponse(
  response: Dispatcher.ResponseData,
  options: { maxBytes: number; secrets: readonly string[] },
): Promise<AttemptResult> {
  const { statusCode, headers } = response;
  const fail = (error: Error, retryable: boolean, upstreamHealthy = false): AttemptResult => ({
    ok: false,
    error,
    retryable,
    upstreamHealthy,
  });
  if (statusCode >= 300 && statusCode < 400) {
    discard(response.body);
    return fail(
      new GatewayError(`The Gateway answered a redirect (HTTP ${statusCode}); not followed.`),
      false,
    );
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    discard(response.body);
    return fail(new GatewayError('The Gateway response is too large.'), false);
  }
  const raw = await readCapped(response.body, options.maxBytes);
  if (raw === undefined) return fail(new GatewayError('The Gateway response is too large.'), false);
  if (statusCode === 503) {
    const retryAfterSeconds = retryAfterOf(headers);
    return fail(
      new GatewayUnavailableError('The Gateway is unavailable (HTTP 503).', { retryAfterSeconds }),
      true,
    );
  }
  if (statusCode >= 500) return fail(new GatewayError(`The Gateway failed (HTTP ${statusCode}).`), true);

  const contentType = String(headers['content-type'] ?? '');
  let parsed: z.infer<typeof envelope> | undefined;
  if (/^application\/([a-z.+-]+\+)?json\b/i.test(contentType)) {
    try {
      const result = envelope.safeParse(JSON.parse(raw.toString('utf8')));
      parsed = result.success ? result.data : undefined;
    } catch {
      parsed = undefined;
    }
  }
  if (statusCode >= 400) {
    const why = describeUpstreamErrors(parsed?.errors, options.secrets);
    return fail(new GatewayError(`The Gateway refused the request (HTTP ${statusCode})${why}`), false, true);
  }
  if (parsed === undefined)
    return fail(new GatewayError('The Gateway sent a body that is not its JSON envelope.'), false);
  if (!parsed.success) {
    const why = describeUpstreamErrors(parsed.errors, options.secrets);
    return fail(new GatewayError(`The Gateway reported an error${why}`), false, true);
  }
  return { ok: true, data: parsed.data };
}
