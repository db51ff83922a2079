import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { UpstreamOutcome } from '../observability/metrics.js';
import { GatewayError, GatewayUnavailableError } from './gateway-errors.js';

/** How one attempt ended, and whether another attempt could help. */
export type AttemptResult =
  | { readonly ok: true; readonly data: unknown }
  | {
      readonly ok: false;
      readonly error: Error;
      readonly retryable: boolean;
      readonly outcome: Exclude<UpstreamOutcome, 'ok' | 'circuit_open'>;
      /**
       * Only a transport failure, a timeout or a 5xx says the Gateway is unwell. Anything else it
       * answered (a 4xx, a redirect, an oversized or malformed body) is about this one request,
       * and must not let one caller open the circuit for everyone.
       */
      readonly breakerFailure: boolean;
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
  // A 5xx counts as a failure whatever its body; the body is drained (capped) only so that the
  // connection can be reused.
  if (statusCode >= 500) {
    await readCapped(response.body, options.maxBytes);
    const error =
      statusCode === 503
        ? new GatewayUnavailableError('The Gateway is unavailable (HTTP 503).', {
            retryAfterSeconds: retryAfterOf(headers),
          })
        : new GatewayError(`The Gateway failed (HTTP ${statusCode}).`);
    return { ok: false, error, retryable: true, outcome: 'error', breakerFailure: true };
  }
  const refuse = (error: Error, outcome: 'error' | 'rejected' = 'error'): AttemptResult => ({
    ok: false,
    error,
    retryable: false,
    outcome,
    breakerFailure: false,
  });
  if (statusCode >= 300 && statusCode < 400) {
    discard(response.body);
    return refuse(new GatewayError(`The Gateway answered a redirect (HTTP ${statusCode}); not followed.`));
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    discard(response.body);
    return refuse(new GatewayError('The Gateway response is too large.'));
  }
  const raw = await readCapped(response.body, options.maxBytes);
  if (raw === undefined) return refuse(new GatewayError('The Gateway response is too large.'));

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
    return refuse(new GatewayError(`The Gateway refused the request (HTTP ${statusCode})${why}`), 'rejected');
  }
  if (parsed === undefined)
    return refuse(new GatewayError('The Gateway sent a body that is not its JSON envelope.'));
  if (!parsed.success) {
    const why = describeUpstreamErrors(parsed.errors, options.secrets);
    return refuse(new GatewayError(`The Gateway reported an error${why}`), 'rejected');
  }
  return { ok: true, data: parsed.data };
}
