/**
 * Browser client for gateway-token-service (README, Frontend integration). Dependency-free ES module:
 * load it with `import { createTokenClient } from 'https://<service>/client/gateway-token-client.js'`
 * or from a bundler.
 */

export type UserType = 'guest' | 'connected';

/** The body of `POST /auth-token`. */
export interface AuthToken {
  readonly smallcaseAuthToken: string;
  readonly userType: UserType;
  /** The token's `exp`, ISO 8601 UTC. */
  readonly expiresAt: string;
  readonly gatewayName: string;
}

/** The body of `POST /link`. */
export interface LinkedAuthToken extends AuthToken {
  readonly userType: 'connected';
  /** The broker the Gateway named for the account, `null` when it named none. */
  readonly broker: string | null;
}

/** The body of `POST /transactions`. */
export interface CreatedTransaction {
  readonly transactionId: string;
  readonly intent: string;
  readonly expireAt: string;
}

/** The body of `GET /transactions/:transactionId`. */
export interface TransactionStatus {
  readonly transactionId: string;
  readonly intent: string;
  readonly status: string;
  readonly [field: string]: unknown;
}

/** The rest of a `POST /transactions` body besides `intent`. */
export interface TransactionConfig {
  readonly orderConfig?: unknown;
  readonly assetConfig?: unknown;
  readonly responseConfig?: unknown;
  readonly notes?: string;
  readonly version?: string;
}

export type Credentials = 'include' | 'same-origin' | 'omit';

export interface TokenClientOptions {
  /** Origin (and optional path prefix) of the service, e.g. `https://api.partner.example`. */
  readonly baseUrl: string;
  /** Returns the partner session JWT, sent as `Authorization: Bearer`; omit it in cookie mode. */
  readonly getSession?: () => string | undefined | Promise<string | undefined>;
  /** `include` for the cookie mode (the service's origin differs from the page's). */
  readonly credentials?: Credentials;
  /** For tests: the fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** For tests: milliseconds since the epoch (defaults to `Date.now`). */
  readonly now?: () => number;
}

export interface TokenClient {
  /** The `/auth-token` body, cached until 60 s before it expires; one request in flight at most. */
  getToken(): Promise<AuthToken>;
  /** Drops the cached token and fetches a new one (after the SDK reports `invalid_jwt`). */
  refresh(): Promise<AuthToken>;
  /** `POST /transactions` with an `Idempotency-Key` (generated unless given). */
  createTransaction(
    intent: string,
    config?: TransactionConfig,
    options?: { idempotencyKey?: string },
  ): Promise<CreatedTransaction>;
  getTransaction(transactionId: string): Promise<TransactionStatus>;
  /** `POST /link` after the SDK completed a flow; drops the cached token. */
  link(transactionId: string): Promise<LinkedAuthToken>;
  /** `DELETE /link`; drops the cached token. */
  unlink(): Promise<void>;
  holdings(): Promise<unknown>;
  engine(path: string, query?: Record<string, string | number | boolean>): Promise<unknown>;
}

/** A failed call: the problem+json fields of the service's answer (or `network_error`, status 0). */
export class GatewayTokenError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;

  constructor(init: { status: number; code: string; title: string; detail?: string; requestId?: string }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.name = 'GatewayTokenError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId;
  }
}

/** Refetch this long before `expiresAt`, so a token handed to the SDK is never about to expire. */
export const REFRESH_MARGIN_MS = 60_000;

interface CachedToken {
  readonly token: AuthToken;
  /** When the token expires on this device's clock (see `localExpiry`). */
  readonly expiresAtMs: number;
}

/** Creates a client for one signed-in partner user. */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  let cached: CachedToken | undefined;
  let inFlight: Promise<AuthToken> | undefined;
  // Bumped by link/unlink: a token requested before them must not fill the cache afterwards.
  let generation = 0;

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const session = options.getSession ? await options.getSession() : undefined;
    const init: RequestInit = {
      method,
      headers: {
        accept: 'application/json',
        ...(session ? { authorization: `Bearer ${session}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      credentials: options.credentials ?? 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, init);
    } catch (error) {
      throw new GatewayTokenError({
        status: 0,
        code: 'network_error',
        title: 'The service could not be reached',
        detail: error instanceof Error ? error.message : String(error),
      });
    }
    if (!response.ok) throw await problemOf(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  function fetchToken(): Promise<AuthToken> {
    const startedAt = now();
    const startedIn = generation;
    const request = call<AuthToken>('POST', '/auth-token').then((token) => {
      if (startedIn === generation) cached = { token, expiresAtMs: localExpiry(token, startedAt) };
      return token;
    });
    inFlight = request;
    const clear = () => {
      if (inFlight === request) inFlight = undefined;
    };
    request.then(clear, clear);
    return request;
  }

  function forget(): void {
    cached = undefined;
    inFlight = undefined;
    generation += 1;
  }

  return {
    getToken() {
      if (cached && now() < cached.expiresAtMs - REFRESH_MARGIN_MS) return Promise.resolve(cached.token);
      return inFlight ?? fetchToken();
    },
    refresh() {
      // A request already in flight was sent after the cached token was issued: it brings a new one.
      cached = undefined;
      return inFlight ?? fetchToken();
    },
    createTransaction(intent, config = {}, { idempotencyKey = newIdempotencyKey() } = {}) {
      return call('POST', '/transactions', { ...config, intent }, { 'idempotency-key': idempotencyKey });
    },
    getTransaction(transactionId) {
      return call('GET', `/transactions/${encodeURIComponent(transactionId)}`);
    },
    async link(transactionId) {
      forget();
      const linked = await call<LinkedAuthToken>('POST', '/link', { transactionId });
      forget();
      return linked;
    },
    async unlink() {
      forget();
      await call('DELETE', '/link');
      forget();
    },
    holdings() {
      return call('GET', '/holdings');
    },
    engine(path, query = {}) {
      const search = new URLSearchParams(
        Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
      ).toString();
      const clean = path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
      return call('GET', `/engine/${clean}${search ? `?${search}` : ''}`);
    },
  };
}

/** 128 random bits as hex; `crypto.getRandomValues` also works on plain-http pages, `randomUUID` does not. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Where the token expires on this device's clock: its lifetime (`exp - iat`, from the JWT) counted
 * from when it was requested, so that a device clock that is wrong by minutes neither refetches on
 * every call nor hands out an expired token. Falls back to `expiresAt` if the payload is unreadable.
 */
function localExpiry(token: AuthToken, requestedAt: number): number {
  const serverExpiry = Date.parse(token.expiresAt);
  try {
    const payload = token.smallcaseAuthToken.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as {
      iat?: unknown;
      exp?: unknown;
    };
    if (typeof claims.iat === 'number' && typeof claims.exp === 'number' && claims.exp > claims.iat) {
      return requestedAt + (claims.exp - claims.iat) * 1000;
    }
  } catch {
    // Not a readable JWT payload: the server's expiresAt is all there is.
  }
  return serverExpiry;
}

async function problemOf(response: Response): Promise<GatewayTokenError> {
  let problem: Record<string, unknown> = {};
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null) problem = body as Record<string, unknown>;
  } catch {
    // Not problem+json (a proxy's error page): status and the request id header are still useful.
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return new GatewayTokenError({
    status: response.status,
    code: text(problem.code) ?? 'http_error',
    title: text(problem.title) ?? `HTTP ${response.status}`,
    detail: text(problem.detail),
    requestId: text(problem.requestId) ?? response.headers.get('x-request-id') ?? undefined,
  });
}
