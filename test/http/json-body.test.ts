import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

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

  it('leaves Object.prototype untouched by __proto__ and constructor.prototype bodies', async () => {
    const bodies = [
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"a":{"__proto__":{"polluted":true}},"b":{"constructor":{"prototype":{"polluted":true}}}}',
    ];
    for (const body of bodies) {
      const response = await post().set('Content-Type', 'application/json').send(body);
      assert.ok(response.status === 200 || response.status === 400, `status ${response.status}`);
      if (response.body.smallcaseAuthToken) rememberToken(response.body.smallcaseAuthToken);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    }
    const response = await request(testApp.app)
      .get('/auth-token?__proto__[polluted]=1&constructor[prototype][polluted]=1')
      .set(bearer(session));
    assert.equal(response.status, 200);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
