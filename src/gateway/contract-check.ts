import type { Dispatcher } from 'undici';
import { createSuccessTokenVerifier, type SuccessTokenVerifier } from '../tokens/success-token-verifier.js';
import { createTokenMinter } from '../tokens/token-minter.js';
import { envelopeOf, type ProbeOptions, type ProbeResult, probe, upstreamMessage } from './contract-probe.js';
import { detailsShapesPresent } from './details-account.js';
import { readDateLike } from './gateway-dates.js';
import { TRANSACTION_ID } from './gateway-ids.js';
import { createGatewayPaths, type GatewayPaths } from './gateway-paths.js';
import { parseTransactionDetails } from './transaction-details.js';

export interface ContractCheckOptions {
  readonly baseUrl: string;
  readonly gatewayName: string;
  readonly gatewaySecret: string;
  readonly apiSecret: string;
  readonly timeoutMs: number;
  /** A transaction someone completed by hand: its details show where this server names the user. */
  readonly transactionId?: string | undefined;
  readonly dispatcher?: Dispatcher;
}

/** What `gateway:check` found (one line each) and what is wrong (one line each; none means pass). */
export interface ContractCheckReport {
  readonly findings: string[];
  readonly problems: string[];
}

// Further than this, webhook timestamps (5 min future skew) and token times are judged wrongly.
const MAX_CLOCK_OFFSET_MS = 300_000;

interface Session {
  readonly paths: GatewayPaths;
  readonly probe: ProbeOptions;
  readonly guestToken: string;
  readonly apiSecret: string;
  readonly secrets: readonly string[];
  readonly verify: SuccessTokenVerifier;
  readonly report: ContractCheckReport;
  readonly offsetsMs: number[];
}

/**
 * Checks a Gateway-like server against what the service relies on: creates a `CONNECT`
 * transaction with a guest token, reads its details, finds which details shape it answers in,
 * which of the two secret headers it requires, and its clock offset. Never reports a secret or a
 * whole token (the server's messages are cleaned of both).
 */
export async function runContractCheck(options: ContractCheckOptions): Promise<ContractCheckReport> {
  const guestToken = createTokenMinter({ gatewaySecret: options.gatewaySecret, ttlSeconds: 300 }).mintGuest()
    .smallcaseAuthToken;
  const session: Session = {
    paths: createGatewayPaths({ gatewayName: options.gatewayName }),
    probe: {
      origin: new URL(options.baseUrl).origin,
      timeoutMs: options.timeoutMs,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    },
    guestToken,
    apiSecret: options.apiSecret,
    secrets: [options.apiSecret, options.gatewaySecret, guestToken],
    verify: createSuccessTokenVerifier(options.gatewaySecret),
    report: { findings: [], problems: [] },
    offsetsMs: [],
  };
  const transactionId = await createConnect(session);
  if (transactionId) {
    await readDetails(session, transactionId, 'the new CONNECT transaction');
    await checkRequiredHeaders(session, transactionId);
  }
  if (options.transactionId && session.report.problems.length === 0) {
    await readDetails(session, options.transactionId, `transaction ${options.transactionId}`);
  }
  reportClock(session);
  return session.report;
}

function headers(session: Session, omit: 'x-gateway-secret' | 'x-gateway-authtoken' | 'none' = 'none') {
  return {
    accept: 'application/json',
    'user-agent': 'gateway-token-service gateway:check',
    ...(omit === 'x-gateway-secret' ? {} : { 'x-gateway-secret': session.apiSecret }),
    ...(omit === 'x-gateway-authtoken' ? {} : { 'x-gateway-authtoken': session.guestToken }),
  };
}

async function call(session: Session, request: Parameters<typeof probe>[1]): Promise<ProbeResult> {
  const result = await probe(session.probe, request);
  if (result.reached && result.clockOffsetMs !== undefined) session.offsetsMs.push(result.clockOffsetMs);
  return result;
}

/** Why `result` is not a usable answer to `what`, in one line; undefined when it is. */
function refusal(session: Session, result: ProbeResult, what: string): string | undefined {
  if (!result.reached) return `unreachable: ${session.probe.origin} (${result.why})`;
  const { status } = result;
  const envelope = envelopeOf(result.json);
  const message = upstreamMessage(result.json, session.secrets);
  const said = `HTTP ${status}${message ? `: ${message}` : ''}`;
  if (status >= 300 && status < 400)
    return `unexpected answer: ${what} got a redirect (HTTP ${status}), not followed`;
  if (status === 401 || status === 403) {
    if (/jwt|token/i.test(message)) return `token refused: ${what} got ${said}; check GATEWAY_SECRET`;
    if (/secret|api.?key/i.test(message))
      return `wrong apiSecret: ${what} got ${said}; check GATEWAY_API_SECRET`;
    return `refused: ${what} got ${said}; check GATEWAY_API_SECRET and GATEWAY_SECRET`;
  }
  if (/invalid gateway/i.test(message))
    return `unknown gateway name: ${what} got ${said}; check GATEWAY_NAME`;
  if (!envelope) return `unexpected envelope: ${what} got HTTP ${status} without {success, errors, data}`;
  if (status >= 400 || !envelope.success) return `refused: ${what} got ${said}`;
  return undefined;
}

async function createConnect(session: Session): Promise<string | undefined> {
  const result = await call(session, {
    method: 'POST',
    path: session.paths.createTransaction,
    headers: { ...headers(session), 'content-type': 'application/json' },
    body: JSON.stringify({ intent: 'CONNECT' }),
  });
  const why = refusal(session, result, 'creating a CONNECT transaction');
  const data = envelopeOf(result.reached ? result.json : undefined)?.data as
    | Record<string, unknown>
    | undefined;
  const transactionId = data?.transactionId;
  if (why || typeof transactionId !== 'string' || !TRANSACTION_ID.test(transactionId)) {
    session.report.problems.push(why ?? 'unexpected envelope: the created transaction has no transactionId');
    return undefined;
  }
  const expireAt = readDateLike(data?.expireAt);
  const expiry = expireAt
    ? `expireAt ${expireAt.toISOString()}`
    : 'expireAt missing or unreadable (the service falls back to 5 minutes)';
  session.report.findings.push(`created a CONNECT transaction ${transactionId}; ${expiry}`);
  return transactionId;
}

async function readDetails(session: Session, transactionId: string, what: string): Promise<void> {
  const result = await call(session, {
    method: 'GET',
    path: session.paths.transactionDetails(transactionId),
    headers: headers(session),
  });
  const why = refusal(session, result, `reading the details of ${what}`);
  if (why) {
    session.report.problems.push(why);
    return;
  }
  const data = envelopeOf(result.reached ? result.json : undefined)?.data;
  try {
    const details = parseTransactionDetails(data, transactionId, session.verify);
    const present = detailsShapesPresent(data);
    const nested = typeof data === 'object' && data !== null && 'transactionDetails' in data;
    const where = nested ? 'data.transactionDetails' : 'data';
    const shape = present.length > 0 ? present.join(' + ') : 'not visible yet (no user fields)';
    session.report.findings.push(
      `details of ${what}: status ${details.status}, fields in ${where}, shape ${shape}`,
    );
    if (details.smallcaseAuthId) {
      const user = `${details.smallcaseAuthId.slice(0, 4)}…${details.smallcaseAuthId.slice(-2)}`;
      session.report.findings.push(
        `user ${user} read from ${details.shapes.join(' + ')}, broker ${details.broker}`,
      );
    } else if (details.status === 'COMPLETED') {
      session.report.problems.push(`no user: ${what} is COMPLETED but names nobody in a known shape`);
    }
  } catch (error) {
    session.report.problems.push(`details unreadable: ${(error as Error).message}`);
  }
}

async function checkRequiredHeaders(session: Session, transactionId: string): Promise<void> {
  const required: string[] = [];
  for (const name of ['x-gateway-secret', 'x-gateway-authtoken'] as const) {
    const result = await call(session, {
      method: 'GET',
      path: session.paths.transactionDetails(transactionId),
      headers: headers(session, name),
    });
    const answered = result.reached && result.status < 300 && envelopeOf(result.json)?.success === true;
    if (!answered) required.push(name);
  }
  session.report.findings.push(
    `headers required: ${required.length > 0 ? required.join(', ') : 'none of x-gateway-secret, x-gateway-authtoken'}`,
  );
}

function reportClock(session: Session): void {
  const offsets = session.offsetsMs;
  if (offsets.length === 0) {
    session.report.findings.push('clock offset: unknown (no Date header)');
    return;
  }
  const offset = offsets.reduce((sum, value) => sum + value, 0) / offsets.length;
  const text = `${offset >= 0 ? '+' : ''}${(offset / 1000).toFixed(1)} s`;
  session.report.findings.push(
    `clock offset: ${text} (its Date header minus our clock; Date has 1 s resolution)`,
  );
  if (Math.abs(offset) > MAX_CLOCK_OFFSET_MS) {
    session.report.problems.push(
      `clock offset ${text}: over 5 minutes, so token and webhook times are judged wrongly; fix NTP`,
    );
  }
}
