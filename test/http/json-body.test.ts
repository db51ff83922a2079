import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

/** Sends raw bytes (supertest would re-serialise a Buffer sent as JSON) and returns status and body. */
async function postRaw(
  app: ReturnType<typeof buildTestApp>['app'],
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/auth-token',
          headers: { ...headers, 'content-length': body.length, connection: 'close' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('JSON body hygiene on /auth-token', () => {
  const testApp = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  after(() => testApp.close());
  const session = testApp.session('body-user');
  rememberToken(session);
  const post = () => request(testApp.app).post('/auth-token').set(bearer(session));

  const assertProblem = (response: request.Response, status: number, code: string) => {
    assert.equal(response.status, status);
    assert.equal(response.body.code, code);
    assert.match(response.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal(response.body.smallcaseAuthToken, undefined);
  };

  it('refuses a body over 100 kB with 413 payload_too_large', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(101 * 1024) });
    assertProblem(await post().set('Content-Type', 'application/json').send(big), 413, 'payload_too_large');
  });

  it('accepts a body just under the limit', async () => {
    const response = await post()
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(90 * 1024) }));
    assert.equal(response.status, 200);
    rememberToken(response.body.smallcaseAuthToken);
  });

  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonx',
  ]) {
    it(`refuses a ${type} body with 415 unsupported_media_type`, async () => {
      assertProblem(await post().set('Content-Type', type).send('{"a":1}'), 415, 'unsupported_media_type');
    });
  }

  it('reads a gzip body, and answers 4xx (never 500) to a corrupt or oversized compressed one', async () => {
    const headers = { ...bearer(session), 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const good = await postRaw(testApp.app, headers, gzipSync('{}'));
    assert.equal(good.status, 200);
    rememberToken(String(good.body.smallcaseAuthToken));
    const corrupt = await postRaw(testApp.app, headers, Buffer.from('not gzip at all'));
    assert.equal(corrupt.status, 400);
    assert.equal(corrupt.body.code, 'invalid_request');
    const bomb = gzipSync(JSON.stringify({ padding: 'x'.repeat(5_000_000) }));
    assert.ok(bomb.length < 100 * 1024, 'small on the wire');
    const inflated = await postRaw(testApp.app, headers, bomb);
    assert.equal(inflated.status, 413);
    assert.equal(inflated.body.code, 'payload_too_large');
    const brotli = await postRaw(testApp.app, { ...headers, 'content-encoding': 'br' }, Buffer.from('xx'));
    assert.ok(brotli.status === 400 || brotli.status === 415, `status ${brotli.status}`);
    const brotliGood = await postRaw(
      testApp.app,
      { ...headers, 'content-encoding': 'br' },
      brotliCompressSync('{}'),
    );
    assert.ok(brotliGood.status === 200 || brotliGood.status === 415, `status ${brotliGood.status}`);
    if (brotliGood.body.smallcaseAuthToken) rememberToken(String(brotliGood.body.smallcaseAuthToken));
    const unknown = await postRaw(
      testApp.app,
      { ...headers, 'content-encoding': 'zstd-ish' },
      Buffer.from('{}'),
    );
    assert.equal(unknown.status, 415);
    assert.equal(unknown.body.code, 'unsupported_media_type');
  });

  it('refuses invalid JSON with 400 invalid_request', async () => {
    for (const body of ['{"a":', '{a:1}', 'nul', "{'a':1}"]) {
      assertProblem(await post().set('Content-Type', 'application/json').send(body), 400, 'invalid_request');
    }
  });

  it('refuses a JSON body that is not an object', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      assertProblem(await post().set('Content-Type', 'application/json').send(body), 400, 'invalid_request');
    }
  });

  it('accepts no body and an empty object', async () => {
    for (const response of [await post(), await post().send({})]) {
      assert.equal(response.status, 200);
      rememberToken(response.body.smallcaseAuthToken);
    }
  });

  it('refuses __proto__ and constructor.prototype bodies with 400 and leaves Object.prototype untouched', async () => {
    const bodies = [
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"a":{"__proto__":{"polluted":true}},"b":{"constructor":{"prototype":{"polluted":true}}}}',
    ];
    for (const body of bodies) {
      const response = await post().set('Content-Type', 'application/json').send(body);
      assertProblem(response, 400, 'invalid_request');
      assert.match(response.body.detail, /__proto__/);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    }
    const harmless = await post().send({ constructor: 'fine', prototype: 1, nested: [{ proto: true }] });
    assert.equal(harmless.status, 200);
    rememberToken(harmless.body.smallcaseAuthToken);
    const deep = `{"a":${'['.repeat(20_000)}{"__proto__":{}}${']'.repeat(20_000)}}`;
    assertProblem(await post().set('Content-Type', 'application/json').send(deep), 400, 'invalid_request');
    const wide = `{"a":[${Array.from({ length: 40_000 }, () => '0').join(',')}]}`;
    const wideResponse = await post().set('Content-Type', 'application/json').send(wide);
    assert.equal(wideResponse.status, 200);
    rememberToken(wideResponse.body.smallcaseAuthToken);
    const response = await request(testApp.app)
      .get('/auth-token?__proto__[polluted]=1&constructor[prototype][polluted]=1')
      .set(bearer(session));
    assert.equal(response.status, 200);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
