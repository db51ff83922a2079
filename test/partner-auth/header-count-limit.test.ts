import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { closeGracefully, createHttpServer, listen } from '../../src/lifecycle/http-server.js';
import { CANARY } from '../support/canaries.js';
import { capturedLogLines, rememberToken } from '../support/log-capture.js';
import { buildTestApp } from '../support/test-app.js';

interface RawAnswer {
  status: number;
  requestId: string | undefined;
  body: { code?: string; userType?: string; smallcaseAuthToken?: string };
}

/** Writes a request byte for byte (fetch and supertest refuse a thousand header lines) and reads the answer. */
function sendRaw(port: number, headerLines: readonly string[]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const requestId = /^x-request-id: (.+)$/im.exec(head)?.[1]?.trim();
      resolve({ status, requestId, body: body ? JSON.parse(body) : {} });
    });
    const lines = ['POST /auth-token HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 0', ...headerLines];
    socket.end(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const filler = (count: number) => Array.from({ length: count }, (_, index) => `x-pad-${index}: 1`);

/**
 * Whether this Node's HTTP parser itself refuses a request with more header lines than
 * `maxHeadersCount` (as HPE_HEADER_OVERFLOW, answered 431 before the app runs: Node 24, later
 * 22.x) rather than dropping the extra lines from `headers` (Node 20), which the header
 * authenticator must then catch. Asked of a bare server, so the answer is the runtime's own.
 */
async function parserRefusesExtraHeaderLines(): Promise<boolean> {
  let refused = false;
  const probe = createServer((_req, res) => res.end());
  probe.on('clientError', (_error, socket) => {
    refused = true;
    socket.destroy();
  });
  await listen(probe, 0, '127.0.0.1');
  await sendRaw((probe.address() as AddressInfo).port, [...filler(1001), 'Connection: close']).catch(
    () => undefined,
  );
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return refused;
}
const proxySecret = `x-partner-proxy-secret: ${CANARY.proxySecret}`;
// The partner's proxy appends its own lines after whatever the client sent.
const proxyAppends = (user: string) => [proxySecret, `x-partner-user: ${user}`, 'Connection: close'];

describe('header mode: identity pushed past Node header-count limit', () => {
  const testApp = buildTestApp({
    env: {
      PARTNER_AUTH: 'header',
      PARTNER_USER_HEADER: 'x-partner-user',
      PARTNER_PROXY_SECRET: CANARY.proxySecret,
      RATE_LIMIT_PER_MINUTE: '1000',
    },
  });
  const server = createHttpServer(testApp.app);
  let port = 0;
  let parserRefuses = false;

  /** Refused without a token: by Node's parser (431) where it refuses past the limit, else by the header authenticator (401). */
  function assertRefusedAtLimit(answer: RawAnswer, what: string): void {
    if (answer.body.smallcaseAuthToken) rememberToken(answer.body.smallcaseAuthToken);
    const expected = parserRefuses ? [431, 'invalid_request'] : [401, 'unauthenticated'];
    assert.deepEqual(
      [answer.status, answer.body.code],
      expected,
      `${what}: served as ${answer.body.userType}`,
    );
  }

  before(async () => {
    parserRefuses = await parserRefusesExtraHeaderLines();
    await listen(server, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
    await testApp.store.links.link({
      partnerUserId: 'victim',
      smallcaseAuthId: 'sc-victim',
      broker: null,
      at: new Date(),
    });
  });
  after(async () => {
    await closeGracefully(server);
    await testApp.close();
  });

  it('refuses a client identity line kept while padding pushed the proxy identity past line 1000', async () => {
    // Lines 1-999 come from the client (Host, Content-Length, its identity, 996 fillers); the
    // proxy's secret is line 1000 and its own identity line 1001, which Node drops from `headers`.
    const answer = await sendRaw(port, [
      'x-partner-user: victim',
      ...filler(996),
      ...proxyAppends('mallory'),
    ]);
    assertRefusedAtLimit(answer, 'identity line kept');
    if (parserRefuses) return;
    const logged = capturedLogLines().find(
      (line) => line.includes('"header_count_limit"') && line.includes(`"reqId":"${answer.requestId}"`),
    );
    assert.ok(logged, 'the refusal is logged with its reason and request id');
  });

  it('refuses any request that reached the limit, however the identity lines are placed', async () => {
    for (const padding of [997, 1100, 1500]) {
      const answer = await sendRaw(port, [...filler(padding), ...proxyAppends('mallory')]);
      assertRefusedAtLimit(answer, `${padding} filler lines`);
    }
  });

  it('serves the proxy identity of a request with many headers under the limit', async () => {
    await testApp.store.links.link({
      partnerUserId: 'proxied',
      smallcaseAuthId: 'sc-proxied',
      broker: null,
      at: new Date(),
    });
    const answer = await sendRaw(port, [...filler(990), ...proxyAppends('proxied')]);
    if (answer.body.smallcaseAuthToken) rememberToken(answer.body.smallcaseAuthToken);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.userType, 'connected');
  });

  it('refuses the same padded request under the limit when the client added its own identity line', async () => {
    const answer = await sendRaw(port, [
      'x-partner-user: victim',
      ...filler(900),
      ...proxyAppends('mallory'),
    ]);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.code, 'unauthenticated');
  });
});
