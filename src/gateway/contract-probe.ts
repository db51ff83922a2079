import { type Dispatcher, request } from 'undici';
import { describeUpstreamErrors } from './gateway-response.js';

/** One raw call to a Gateway-like server, as `gateway:check` needs it: status, envelope, Date header. */
export type ProbeResult =
  | {
      readonly reached: true;
      readonly status: number;
      /** The parsed JSON body, undefined when it is not JSON. */
      readonly json: unknown;
      /** The server's clock minus ours at the middle of the call, from its `Date` header (ms). */
      readonly clockOffsetMs: number | undefined;
    }
  | { readonly reached: false; readonly why: string };

export interface ProbeOptions {
  readonly origin: string;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher;
}

/** Calls `path` with exactly `headers`; never follows a redirect; reads at most 2 MiB. */
export async function probe(
  options: ProbeOptions,
  call: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string },
): Promise<ProbeResult> {
  const started = Date.now();
  try {
    const response = await request(new URL(call.path, options.origin), {
      method: call.method,
      headers: call.headers,
      body: call.body ?? null,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const text = await readText(response.body);
    const finished = Date.now();
    const date = Date.parse(String(response.headers.date ?? ''));
    return {
      reached: true,
      status: response.statusCode,
      json: parseJson(text),
      // Date is truncated to the second: the server's time lies in [date, date + 1 s).
      clockOffsetMs: Number.isNaN(date) ? undefined : date + 500 - (started + finished) / 2,
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError' || /Timeout/.test(String(code))) {
      return { reached: false, why: `no answer within ${options.timeoutMs} ms` };
    }
    return { reached: false, why: typeof code === 'string' ? code : (error as Error).message };
  }
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > 2 * 1024 * 1024) {
      body.destroy();
      return '';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The `{success, errors, data}` envelope, or undefined for any other body. */
export function envelopeOf(json: unknown): { success: boolean; errors: unknown; data: unknown } | undefined {
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof (json as { success?: unknown }).success !== 'boolean'
  ) {
    return undefined;
  }
  const { success, errors, data } = json as Record<string, unknown>;
  return { success: success as boolean, errors, data };
}

/** The server's error messages, cleaned and with our secrets removed, for a one-line reason. */
export function upstreamMessage(json: unknown, secrets: readonly string[]): string {
  return describeUpstreamErrors(envelopeOf(json)?.errors, secrets).replace(/^: /, '');
}
