import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, Pool, errors as undiciErrors } from 'undici';
import { z } from 'zod';
import { noopMetrics, type ServiceMetrics } from '../observability/metrics.js';
import { REQUEST_ID_FORMAT } from '../observability/request-id-format.js';
import type { SuccessTokenVerifier } from '../tokens/success-token-verifier.js';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';
import { readDateLike } from './gateway-dates.js';
import { GatewayError, GatewayTimeoutError, GatewayUnavailableError } from './gateway-errors.js';
import { TRANSACTION_ID } from './gateway-ids.js';
import {
  createGatewayPaths,
  GATEWAY_OPERATIONS,
  type GatewayOperation,
  type GatewayPaths,
} from './gateway-paths.js';
import { type AttemptResult, interpretResponse } from './gateway-response.js';
import { parseTransactionDetails, type TransactionDetails } from './transaction-details.js';

const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
const MAX_GET_RETRIES = 2;
const BACKOFF_BASE_MS = 100;
const USER_AGENT = 'gateway-token-service/0.1';

export interface GatewayClientOptions {
  readonly baseUrl: string;
  readonly gatewayName: string;
  readonly apiSecret: string;
  /** Checks the connected token a completed transaction's `success` object carries (GATEWAY_SECRET). */
  readonly verifySuccessToken: SuccessTokenVerifier;
  readonly timeoutMs: number;
  readonly paths?: GatewayPaths;
  readonly metrics?: ServiceMetrics;
  /** Transport for tests; by default a keep-alive pool with `connections` sockets. */
  readonly dispatcher?: Dispatcher;
  readonly connections?: number;
  readonly maxResponseBytes?: number;
  readonly breaker?: { readonly failureThreshold: number; readonly openMs: number };
  readonly random?: () => number;
}

/** Per-call inputs: the `smallcaseAuthToken` to send and the request id to propagate. */
export interface GatewayCall {
  readonly authToken: string;
  readonly requestId?: string | undefined;
}

export interface CreatedTransaction {
  readonly transactionId: string;
  /** Null when the Gateway sent none, or nothing readable as a date. */
  readonly expireAt: Date | null;
}

export interface GatewayClient {
  readonly paths: GatewayPaths;
  /** Never retried: a retry could create a second upstream transaction. */
  createTransaction(
    call: GatewayCall & { body: Readonly<Record<string, unknown>> },
  ): Promise<CreatedTransaction>;
  transactionDetails(call: GatewayCall & { transactionId: string }): Promise<TransactionDetails>;
  holdings(call: GatewayCall): Promise<unknown>;
  /** `path` must be allow-listed; `query` is an encoded query string without `?`. */
  engine(call: GatewayCall & { path: string; query: string }): Promise<unknown>;
  close(): Promise<void>;
}

// expireAt is read leniently: the transaction exists upstream by now, so a date we cannot read must not fail it.
const createdTransaction = z.object({
  transactionId: z.string().regex(TRANSACTION_ID),
  expireAt: z.unknown(),
});

interface Outbound {
  readonly operation: GatewayOperation;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly call: GatewayCall;
}

/**
 * The one module that talks to the smallcase Gateway: fixed header set (nothing from the
 * client is forwarded), per-call deadline, no redirects, size cap, envelope unwrapped, typed
 * errors, bounded GET retries with jitter, and a circuit breaker per upstream operation.
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const metrics = options.metrics ?? noopMetrics;
  const paths = options.paths ?? createGatewayPaths({ gatewayName: options.gatewayName });
  const random = options.random ?? Math.random;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const origin = new URL(options.baseUrl).origin;
  const ownDispatcher = options.dispatcher
    ? undefined
    : new Pool(origin, { connections: options.connections ?? 32, keepAliveTimeout: 30_000 });
  const dispatcher: Dispatcher = options.dispatcher ?? (ownDispatcher as Pool);
  // One breaker per upstream operation: failing engine reads must not stop transaction creation.
  const breakers = new Map<GatewayOperation, CircuitBreaker>(
    GATEWAY_OPERATIONS.map((operation) => [
      operation,
      createCircuitBreaker({
        failureThreshold: options.breaker?.failureThreshold ?? 5,
        openMs: options.breaker?.openMs ?? 10_000,
        onStateChange: (state) => metrics.circuitState(operation, state),
      }),
    ]),
  );
  for (const operation of GATEWAY_OPERATIONS) metrics.circuitState(operation, 'closed');

  function headersFor(out: Outbound): Record<string, string> {
    const requestId = out.call.requestId;
    return {
      'x-gateway-secret': options.apiSecret,
      'x-gateway-authtoken': out.call.authToken,
      accept: 'application/json',
      'user-agent': USER_AGENT,
      'x-request-id': requestId && REQUEST_ID_FORMAT.test(requestId) ? requestId : randomUUID(),
      ...(out.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
  }

  async function attempt(out: Outbound, signal: AbortSignal): Promise<AttemptResult> {
    try {
      const response = await dispatcher.request({
        origin,
        path: out.path,
        method: out.method,
        headers: headersFor(out),
        body: out.body ?? null,
        signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      return await interpretResponse(response, {
        maxBytes,
        secrets: [options.apiSecret, out.call.authToken],
      });
    } catch (error) {
      if (
        signal.aborted ||
        error instanceof undiciErrors.HeadersTimeoutError ||
        error instanceof undiciErrors.BodyTimeoutError
      ) {
        return {
          ok: false,
          error: new GatewayTimeoutError(options.timeoutMs, { cause: error }),
          retryable: false,
          outcome: 'timeout',
          breakerFailure: true,
        };
      }
      const unavailable = new GatewayUnavailableError('The Gateway could not be reached.', { cause: error });
      return { ok: false, error: unavailable, retryable: true, outcome: 'unavailable', breakerFailure: true };
    }
  }

  async function withRetries(out: Outbound, signal: AbortSignal, deadline: number): Promise<AttemptResult> {
    const maxAttempts = out.method === 'GET' ? 1 + MAX_GET_RETRIES : 1;
    let result = await attempt(out, signal);
    for (let tried = 1; tried < maxAttempts && !result.ok && result.retryable; tried += 1) {
      const backoff = BACKOFF_BASE_MS * 2 ** (tried - 1) * (0.5 + random());
      if (Date.now() + backoff >= deadline) break;
      try {
        await sleep(backoff, undefined, { signal });
      } catch {
        break;
      }
      result = await attempt(out, signal);
    }
    return result;
  }

  async function send(out: Outbound): Promise<unknown> {
    const breaker = breakers.get(out.operation) as CircuitBreaker;
    const blockedMs = breaker.blockedForMs();
    if (blockedMs > 0) {
      metrics.upstreamCall(out.operation, 'circuit_open', 0);
      throw new GatewayUnavailableError('The Gateway is failing; calls are paused briefly.', {
        retryAfterSeconds: Math.ceil(blockedMs / 1000),
      });
    }
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    try {
      const result = await withRetries(out, controller.signal, Date.now() + options.timeoutMs);
      const seconds = (performance.now() - started) / 1000;
      if (result.ok) {
        breaker.recordSuccess();
        metrics.upstreamCall(out.operation, 'ok', seconds);
        return result.data;
      }
      if (result.breakerFailure) breaker.recordFailure();
      else breaker.recordSuccess();
      metrics.upstreamCall(out.operation, result.outcome, seconds);
      throw result.error;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    paths,
    async createTransaction(call) {
      const body = JSON.stringify(call.body);
      const data = await send({
        operation: 'create_transaction',
        method: 'POST',
        path: paths.createTransaction,
        body,
        call,
      });
      const parsed = createdTransaction.safeParse(data);
      if (!parsed.success) throw new GatewayError('The Gateway sent a transaction we cannot read.');
      return {
        transactionId: parsed.data.transactionId,
        expireAt: readDateLike(parsed.data.expireAt) ?? null,
      };
    },
    async transactionDetails(call) {
      const path = paths.transactionDetails(call.transactionId);
      const data = await send({ operation: 'transaction_details', method: 'GET', path, call });
      return parseTransactionDetails(data, call.transactionId, options.verifySuccessToken);
    },
    holdings: (call) => send({ operation: 'holdings', method: 'GET', path: paths.holdings, call }),
    engine: (call) =>
      send({ operation: 'engine', method: 'GET', path: paths.engine(call.path, call.query), call }),
    async close() {
      await ownDispatcher?.close();
    },
  };
}
