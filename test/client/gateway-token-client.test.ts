import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AuthToken,
  createTokenClient,
  GatewayTokenError,
  type TokenClientOptions,
} from '../../client/gateway-token-client.js';

// The browser client has no server of its own to run against here: a fake fetch and a fake clock
// pin down its caching and single-flight rules; the browser suite runs it against the real service.

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A JWT-shaped token whose payload says it lives `ttlSeconds` from `iatMs` (the signature is not checked). */
function tokenBody(n: number, iatMs: number, ttlSeconds = 600): AuthToken {
  const iat = Math.floor(iatMs / 1000);
  const payload = Buffer.from(JSON.stringify({ guest: true, iat, exp: iat + ttlSeconds })).toString(
    'base64url',
  );
  return {
    smallcaseAuthToken: `eyJhbGciOiJIUzI1NiJ9.${payload}.sig${n}`,
    userType: 'guest',
    expiresAt: new Date((iat + ttlSeconds) * 1000).toISOString(),
    gatewayName: 'gatewaytest',
  };
}

interface Call {
  readonly url: string;
  readonly init: RequestInit;
  respond(status: number, body?: unknown, headers?: Record<string, string>): void;
  fail(error: Error): void;
}

/** A fetch whose answers the test gives by hand, and a clock the test moves. */
function harness(overrides: Partial<TokenClientOptions> = {}) {
  let clock = T0;
  const calls: Call[] = [];
  const fakeFetch = (input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      calls.push({
        url: String(input),
        init,
        respond: (status, body, headers = {}) =>
          resolve(
            new Response(body === undefined ? null : JSON.stringify(body), {
              status,
              headers: { 'content-type': 'application/json', ...headers },
            }),
          ),
        fail: reject,
      });
    });
  const client = createTokenClient({
    baseUrl: 'https://api.partner.example/',
    getSession: () => 'session-jwt',
    fetch: fakeFetch as typeof fetch,
    now: () => clock,
    ...overrides,
  });
  const tokenCalls = () => calls.filter((call) => call.url.endsWith('/auth-token'));
  /** Answers the latest /auth-token call with token number `n`, issued at the current clock. */
  const answerToken = async (n: number, ttlSeconds?: number) => {
    await settle();
    const call = tokenCalls().at(-1);
    assert.ok(call, 'an /auth-token call is waiting');
    call.respond(200, tokenBody(n, clock, ttlSeconds));
    await settle();
  };
  return {
    client,
    calls,
    tokenCalls,
    answerToken,
    advance(ms: number) {
      clock += ms;
    },
    setClock(ms: number) {
      clock = ms;
    },
  };
}

const headersOf = (call: Call | undefined) => (call?.init.headers ?? {}) as Record<string, string>;

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('browser client: token caching and single flight', () => {
  it('asks once however many callers want a token at the same time', async () => {
    const h = harness();
    const callers = Array.from({ length: 5 }, () => h.client.getToken());
    await h.answerToken(1);
    const tokens = await Promise.all(callers);
    assert.equal(h.tokenCalls().length, 1);
    assert.ok(tokens.every((token) => token.smallcaseAuthToken.endsWith('sig1')));
  });

  it('reuses the token until 60 s before it expires, then fetches a new one', async () => {
    const h = harness();
    const first = h.client.getToken();
    await h.answerToken(1, 600);
    await first;
    h.advance(539_000);
    assert.ok((await h.client.getToken()).smallcaseAuthToken.endsWith('sig1'), 'cached 61 s before expiry');
    assert.equal(h.tokenCalls().length, 1);
    h.advance(2_000);
    const second = h.client.getToken();
    await h.answerToken(2, 600);
    assert.ok((await second).smallcaseAuthToken.endsWith('sig2'), 'replaced 59 s before expiry');
    assert.equal(h.tokenCalls().length, 2);
  });

  it('counts the lifetime on the device clock, so a wrong device clock neither refetches nor keeps an expired token', async () => {
    const h = harness();
    const first = h.client.getToken();
    await settle();
    // The server issued it an hour "before" the device's clock says it is now.
    h.tokenCalls()[0]?.respond(200, tokenBody(1, T0 - 3_600_000, 600));
    await first;
    h.advance(500_000);
    assert.ok((await h.client.getToken()).smallcaseAuthToken.endsWith('sig1'));
    assert.equal(h.tokenCalls().length, 1);
    h.advance(50_000);
    void h.client.getToken();
    await settle();
    assert.equal(h.tokenCalls().length, 2, 'refetched 50 s before the end of its lifetime');
  });

  it('caches no failure: the next call asks again', async () => {
    const h = harness();
    const first = h.client.getToken();
    await settle();
    h.tokenCalls()[0]?.respond(503, { code: 'store_unavailable', status: 503, title: 'Service Unavailable' });
    await assert.rejects(
      first,
      (error: unknown) => error instanceof GatewayTokenError && error.status === 503,
    );
    const second = h.client.getToken();
    await h.answerToken(2);
    assert.ok((await second).smallcaseAuthToken.endsWith('sig2'));
  });

  it('refresh() drops the cached token, and callers during the refresh share its one request', async () => {
    const h = harness();
    const first = h.client.getToken();
    await h.answerToken(1);
    await first;
    const refreshed = h.client.refresh();
    const meanwhile = h.client.getToken();
    await h.answerToken(2);
    assert.ok((await refreshed).smallcaseAuthToken.endsWith('sig2'));
    assert.ok((await meanwhile).smallcaseAuthToken.endsWith('sig2'));
    assert.equal(h.tokenCalls().length, 2);
  });

  for (const operation of ['link', 'unlink'] as const) {
    it(`${operation}() drops the cached token, and a token requested before it never fills the cache`, async () => {
      const h = harness();
      const first = h.client.getToken();
      await h.answerToken(1);
      await first;
      const stale = h.client.getToken();
      assert.equal(h.tokenCalls().length, 1, 'served from the cache');
      await stale;
      h.advance(600_000);
      const before = h.client.getToken();
      await settle();
      const done = operation === 'link' ? h.client.link('TRX_1') : h.client.unlink();
      await settle();
      const linkCall = h.calls.find((call) => call.url.endsWith('/link'));
      linkCall?.respond(
        operation === 'link' ? 200 : 204,
        operation === 'link' ? { broker: 'kite' } : undefined,
      );
      await done;
      h.tokenCalls()[1]?.respond(200, tokenBody(2, T0));
      await before;
      const after = h.client.getToken();
      await h.answerToken(3);
      assert.ok((await after).smallcaseAuthToken.endsWith('sig3'), 'a new request after the link changed');
    });
  }
});

describe('browser client: requests and errors', () => {
  it('sends the session as a bearer token and no credentials by default', async () => {
    const h = harness();
    void h.client.getToken();
    await settle();
    const call = h.tokenCalls()[0];
    assert.equal(call?.url, 'https://api.partner.example/auth-token');
    assert.equal(call?.init.method, 'POST');
    assert.equal(headersOf(call).authorization, 'Bearer session-jwt');
    assert.equal(call?.init.credentials, 'same-origin');
  });

  it('in cookie mode sends no Authorization header and includes credentials', async () => {
    const h = harness({ getSession: undefined, credentials: 'include' });
    void h.client.getToken();
    await settle();
    const call = h.tokenCalls()[0];
    assert.equal(headersOf(call).authorization, undefined);
    assert.equal(call?.init.credentials, 'include');
  });

  it('gives each transaction a new Idempotency-Key unless one is passed', async () => {
    const h = harness();
    const keys: string[] = [];
    for (const options of [undefined, undefined, { idempotencyKey: 'order-42' }]) {
      const created = h.client.createTransaction('CONNECT', {}, options);
      await settle();
      const call = h.calls.at(-1);
      keys.push(headersOf(call)['idempotency-key'] ?? '');
      assert.deepEqual(JSON.parse(String(call?.init.body)), { intent: 'CONNECT' });
      call?.respond(201, { transactionId: 'TRX_1', intent: 'CONNECT', expireAt: '' });
      await created;
    }
    assert.match(keys[0] ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(keys[0], keys[1]);
    assert.equal(keys[2], 'order-42');
  });

  it('turns a problem+json answer into an Error with status, code, detail and requestId', async () => {
    const h = harness();
    const linking = h.client.link('TRX_1');
    await settle();
    h.calls[0]?.respond(
      409,
      {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        code: 'transaction_not_complete',
        detail: 'Not done.',
        requestId: 'req-1',
      },
      { 'content-type': 'application/problem+json' },
    );
    await assert.rejects(linking, (error: unknown) => {
      assert.ok(error instanceof GatewayTokenError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 'transaction_not_complete');
      assert.equal(error.detail, 'Not done.');
      assert.equal(error.requestId, 'req-1');
      return true;
    });
  });

  it('reports an unreachable service as network_error with status 0', async () => {
    const h = harness();
    const holdings = h.client.holdings();
    await settle();
    h.calls[0]?.fail(new TypeError('Failed to fetch'));
    await assert.rejects(holdings, { name: 'GatewayTokenError', status: 0, code: 'network_error' });
  });

  it('builds engine paths and queries safely', async () => {
    const h = harness();
    void h.client.engine('/market/news', { count: 2, scids: 'SCMO_0002' });
    await settle();
    assert.equal(h.calls[0]?.url, 'https://api.partner.example/engine/market/news?count=2&scids=SCMO_0002');
  });
});
