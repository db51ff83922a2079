import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpServer, listen } from '../../src/lifecycle/http-server.js';
import { buildTestApp } from '../support/test-app.js';

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

const MARKER = 'echo-marker-7f3a';
const SECURITY_HEADER =
  /^(content-security-policy|cross-origin-|origin-agent-cluster|referrer-policy|strict-transport-security|x-(content-type|dns-prefetch|download|frame|permitted|xss))/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Sends bytes over a plain TCP socket and collects everything until the server closes it.
function sendRaw(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(payload);
  });
}

function parseResponses(raw: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    assert.ok(headEnd > 0, `no header block in ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? 0);
    const bodyStart = headEnd + 4;
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(bodyStart, bodyStart + length),
    });
    rest = rest.slice(bodyStart + length);
  }
  return responses;
}

function assertProblem(response: RawResponse, status: number, detail: string): void {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const requestId = response.headers.get('x-request-id') ?? '';
  assert.match(requestId, UUID);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('content-security-policy'), "default-src 'none';frame-ancestors 'none'");
  assert.ok(response.headers.get('strict-transport-security'));
  assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cross-origin-resource-policy'), 'same-origin');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('connection'), 'close');
  const body = JSON.parse(response.body);
  assert.deepEqual(body, {
    type: 'urn:gateway-token-service:problem:invalid_request',
    title: 'Invalid request',
    status,
    detail,
    code: 'invalid_request',
    requestId,
  });
}

describe('requests rejected by the HTTP parser get the contract problem+json', () => {
  const testApp = buildTestApp();
  const server = createHttpServer(testApp.app);
  let port = 0;
  before(async () => {
    await listen(server, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await testApp.close();
  });

  it('answers a 20 kB header with 431 and never echoes it', async () => {
    const huge = `${MARKER}${'a'.repeat(20_000)}`;
    const raw = await sendRaw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${huge}\r\n\r\n`);
    const responses = parseResponses(raw);
    assert.equal(responses.length, 1);
    assertProblem(responses[0] as RawResponse, 431, 'request headers too large');
    assert.ok(!raw.includes(MARKER));
  });

  it('answers a control character in a header value with 400 and never echoes it', async () => {
    const raw = await sendRaw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: ${MARKER}\x01\r\n\r\n`);
    const responses = parseResponses(raw);
    assert.equal(responses.length, 1);
    assertProblem(responses[0] as RawResponse, 400, 'malformed HTTP request');
    assert.ok(!raw.includes(MARKER));
  });

  it('answers a garbage request line with 400', async () => {
    const raw = await sendRaw(port, `${MARKER} \x00\x7f nonsense\r\n\r\n`);
    const responses = parseResponses(raw);
    assert.equal(responses.length, 1);
    assertProblem(responses[0] as RawResponse, 400, 'malformed HTTP request');
    assert.ok(!raw.includes(MARKER));
  });

  it('answers garbage after a completed keep-alive request with a second, distinct problem', async () => {
    const raw = await sendRaw(
      port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
    );
    const [first, second, ...others] = parseResponses(raw);
    assert.equal(others.length, 0);
    assert.equal(first?.status, 200);
    assertProblem(second as RawResponse, 400, 'malformed HTTP request');
    assert.notEqual(second?.headers.get('x-request-id'), first?.headers.get('x-request-id'));
  });

  it("carries exactly the security headers, values included, of the app's own answers", async () => {
    const raw = await sendRaw(
      port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
    );
    const [fromApp, fromParser] = parseResponses(raw);
    const securityHeaders = (response: RawResponse | undefined) =>
      Object.fromEntries([...(response?.headers ?? [])].filter(([name]) => SECURITY_HEADER.test(name)));
    assert.equal(fromApp?.status, 200);
    assert.equal(fromParser?.status, 400);
    assert.ok(Object.keys(securityHeaders(fromApp)).length >= 10, JSON.stringify(securityHeaders(fromApp)));
    assert.deepEqual(securityHeaders(fromParser), securityHeaders(fromApp));
  });
});

describe('a parse error while an earlier response on the connection is unfinished', () => {
  // /slow has sent its head and part of its body; /fast has ended but waits for the socket.
  const server = createHttpServer((req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('slow-part');
      return;
    }
    res.end('fast-body');
  });
  let port = 0;
  before(async () => {
    await listen(server, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('closes the connection rather than write a problem into the unfinished response', async () => {
    const raw = await sendRaw(
      port,
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /slow HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
    );
    assert.doesNotMatch(raw, /problem\+json|HTTP\/1\.1 400/);
    assert.ok(!raw.includes('fast-body'), 'the queued response never overtakes the unfinished one');
  });
});
