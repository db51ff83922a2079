import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createLogger } from '../../src/observability/logger.js';
import { CANARY } from '../support/canaries.js';
import { capturedLogLines, rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

function memoryLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('logger redaction', () => {
  it('redacts credentials and token fields that code logs by hand', () => {
    const { logger, lines } = memoryLogger();
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJndWVzdCI6dHJ1ZX0.c2lnbmF0dXJl';
    logger.info({
      headers: {
        authorization: `Bearer ${token}`,
        cookie: `session=${token}`,
        'x-gateway-secret': CANARY.gatewayApiSecret,
        'x-gateway-authtoken': token,
        'x-partner-proxy-secret': CANARY.proxySecret,
      },
      smallcaseAuthToken: token,
      sessionToken: token,
      token,
      grant: { smallcaseAuthToken: token, secret: CANARY.gatewaySecret },
    });
    assert.equal(lines.length, 1);
    const line = lines[0] ?? '';
    assert.ok(!line.includes(token), line);
    for (const secret of Object.values(CANARY)) assert.ok(!line.includes(secret), line);
    assert.match(line, /\[redacted\]/);
  });
});

describe('request log lines', () => {
  const testApp = buildTestApp({
    env: {
      PARTNER_AUTH: 'header',
      PARTNER_USER_HEADER: 'x-partner-user',
      PARTNER_PROXY_SECRET: CANARY.proxySecret,
    },
  });
  after(() => testApp.close());

  it('logs one line per request with its request id, the path without query, and no header values', async () => {
    const response = await request(testApp.app)
      .post('/auth-token?token=query-secret-value')
      .set('x-request-id', 'log-line-check-1')
      .set('x-partner-proxy-secret', CANARY.proxySecret)
      .set('x-partner-user', 'logged-user')
      .set('Cookie', 'session=cookie-secret-value')
      .set(bearer('bearer.secret.value'))
      .expect(200);
    rememberToken(response.body.smallcaseAuthToken);
    await new Promise((resolve) => setImmediate(resolve));
    const mine = capturedLogLines().filter((line) => line.includes('log-line-check-1'));
    assert.equal(mine.length, 1, mine.join('\n'));
    const entry = JSON.parse(mine[0] ?? '{}');
    assert.equal(entry.reqId, 'log-line-check-1');
    assert.deepEqual(entry.req, { method: 'POST', path: '/auth-token' });
    assert.equal(entry.res.statusCode, 200);
    for (const fragment of [
      'query-secret-value',
      'cookie-secret-value',
      'bearer.secret.value',
      CANARY.proxySecret,
    ]) {
      assert.ok(!mine[0]?.includes(fragment), fragment);
    }
  });

  it('binds the request id to lines a handler logs, and logs a 5xx answer at error level', async () => {
    const failing = buildTestApp();
    try {
      const session = failing.session('store-down');
      rememberToken(session);
      await failing.store.close();
      await request(failing.app)
        .post('/auth-token')
        .set('x-request-id', 'log-line-check-5xx')
        .set(bearer(session))
        .expect(503);
      await new Promise((resolve) => setImmediate(resolve));
      const mine = capturedLogLines()
        .filter((line) => line.includes('log-line-check-5xx'))
        .map((line) => JSON.parse(line));
      const handlerLine = mine.find((entry) => entry.msg === 'request failed');
      assert.equal(handlerLine?.reqId, 'log-line-check-5xx');
      assert.equal(handlerLine?.code, 'store_unavailable');
      const requestLines = mine.filter((entry) => entry.res !== undefined);
      assert.equal(requestLines.length, 1);
      assert.equal(requestLines[0].level, 'error');
      assert.equal(requestLines[0].res.statusCode, 503);
    } finally {
      await failing.close();
    }
  });
});
