import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

const HELMET_HEADERS = [
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
];

function assertHelmet(response: request.Response): void {
  for (const header of HELMET_HEADERS) assert.ok(response.headers[header], `${header} on ${response.status}`);
  assert.equal(response.headers['x-powered-by'], undefined);
}

function assertProblemShape(response: request.Response, status: number, code: string): void {
  assert.equal(response.status, status);
  assert.match(response.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.deepEqual(Object.keys(response.body).sort(), [
    'code',
    'detail',
    'requestId',
    'status',
    'title',
    'type',
  ]);
  assert.equal(response.body.status, status);
  assert.equal(response.body.code, code);
  assert.equal(typeof response.body.title, 'string');
  assert.equal(typeof response.body.detail, 'string');
  assert.equal(response.body.requestId, response.headers['x-request-id']);
  assert.equal(response.headers['cache-control'], 'no-store', 'an error is never cached');
  const text = JSON.stringify(response.body);
  assert.doesNotMatch(text, /\bat .*\(.*:\d+:\d+\)|node_modules|\.ts:\d+/, 'no stack trace');
  for (const secret of Object.values(CANARY)) assert.ok(!text.includes(secret));
}

describe('problem+json errors, helmet and request ids', () => {
  const testApp = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
  after(() => testApp.close());
  const session = testApp.session('problem-user');
  rememberToken(session);

  it('answers an unknown route with a 404 problem and helmet headers', async () => {
    const response = await request(testApp.app).get('/no/such/route');
    assertProblemShape(response, 404, 'not_found');
    assertHelmet(response);
  });

  it('gives every error status the same problem shape and helmet headers', async () => {
    const cases: [request.Test, number, string][] = [
      [request(testApp.app).post('/auth-token'), 401, 'unauthenticated'],
      [
        request(testApp.app)
          .post('/auth-token')
          .set(bearer(session))
          .set('Content-Type', 'text/plain')
          .send('x'),
        415,
        'unsupported_media_type',
      ],
      [
        request(testApp.app)
          .post('/auth-token')
          .set(bearer(session))
          .set('Content-Type', 'application/json')
          .send('{'),
        400,
        'invalid_request',
      ],
    ];
    for (const [pending, status, code] of cases) {
      const response = await pending;
      assertProblemShape(response, status, code);
      assertHelmet(response);
    }
    const big = await request(testApp.app)
      .post('/auth-token')
      .set(bearer(testApp.session('problem-user-2')))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ x: 'y'.repeat(200_000) }));
    assertProblemShape(big, 413, 'payload_too_large');
    assertHelmet(big);
  });

  it('shapes 429 and 503 as problems too', async () => {
    const limited = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1' } });
    try {
      await request(limited.app).post('/auth-token');
      const tooMany = await request(limited.app).post('/auth-token');
      assertProblemShape(tooMany, 429, 'rate_limited');
      assertHelmet(tooMany);
      await limited.store.close();
      const unavailable = await request(limited.app)
        .post('/auth-token')
        .set(bearer(limited.session('other')));
      assertProblemShape(unavailable, 503, 'store_unavailable');
      assertHelmet(unavailable);
    } finally {
      await limited.close();
    }
  });

  it('keeps a valid incoming x-request-id', async () => {
    for (const id of ['abc-123', 'A.b_c-9', 'x'.repeat(128)]) {
      const response = await request(testApp.app).get('/nope').set('x-request-id', id);
      assert.equal(response.headers['x-request-id'], id);
      assert.equal(response.body.requestId, id);
    }
    const ok = await request(testApp.app).get('/healthz').set('x-request-id', 'health-1').expect(200);
    assert.equal(ok.headers['x-request-id'], 'health-1');
  });

  it('replaces an invalid incoming x-request-id with a fresh one', async () => {
    for (const id of ['x'.repeat(129), 'has spaces', 'semi;colon', 'ünïcode', 'a/b']) {
      const response = await request(testApp.app).get('/nope').set('x-request-id', id);
      const assigned = response.headers['x-request-id'];
      assert.ok(assigned && assigned !== id, `replaced ${JSON.stringify(id)}`);
      assert.match(assigned, /^[A-Za-z0-9._-]{1,128}$/);
      assert.equal(response.body.requestId, assigned);
    }
  });

  it('answers any header-safe x-request-id with an id of the allowed shape, kept only when it had it', async () => {
    const headerSafe = fc
      .string({ unit: 'binary-ascii', minLength: 1, maxLength: 200 })
      .filter((s) => /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(s));
    await fc.assert(
      fc.asyncProperty(headerSafe, async (id) => {
        const response = await request(testApp.app).get('/healthz').set('x-request-id', id);
        const assigned = response.headers['x-request-id'] ?? '';
        assert.match(assigned, /^[A-Za-z0-9._-]{1,128}$/);
        assert.equal(assigned === id, /^[A-Za-z0-9._-]{1,128}$/.test(id));
      }),
      { numRuns: 150 },
    );
  });

  it('generates a different request id for each request without one', async () => {
    const first = await request(testApp.app).get('/healthz');
    const second = await request(testApp.app).get('/healthz');
    assert.ok(first.headers['x-request-id']);
    assert.notEqual(first.headers['x-request-id'], second.headers['x-request-id']);
  });
});

describe('a path with malformed percent-encoding', () => {
  const testApp = buildTestApp();
  after(() => testApp.close());

  for (const path of [
    '/transactions/%ff',
    '/transactions/%E0%A4%A',
    '/engine/%ff',
    '/engine/smallcases%ff',
  ]) {
    it(`answers 400 invalid_request for ${path}, not 500`, async () => {
      const response = await request(testApp.app)
        .get(path)
        .set(bearer(testApp.session('percent-user')));
      assertProblemShape(response, 400, 'invalid_request');
      assertHelmet(response);
    });
  }
});
