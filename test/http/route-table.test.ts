import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Router } from 'express';
import request from 'supertest';
import { mountRouteTable } from '../../src/http/mount-routes.js';
import { PUBLIC, type RouteSpec } from '../../src/http/route-spec.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

const TRANSACTION = `TRX_${'0'.repeat(32)}`;

function assertNoSuchRoute(response: request.Response): void {
  assert.equal(response.status, 404);
  assert.equal(response.body.detail, 'No such route.');
}

describe('route table: requests no route matches', () => {
  const testApp = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  after(() => testApp.close());
  const session = bearer(testApp.session('route-table-user'));

  it('a wrong method or an unknown sub-path of a session route answers 401 to a stranger, 404 with a session', async () => {
    for (const [method, path] of [
      ['put', '/auth-token'],
      ['get', '/auth-token/extra'],
      ['patch', '/transactions'],
      ['get', `/transactions/${TRANSACTION}/extra`],
      ['get', '/link'],
      ['post', '/holdings'],
      ['get', '/engine'],
    ] as const) {
      const stranger = await request(testApp.app)[method](path);
      assert.equal(stranger.status, 401, `${method} ${path}`);
      assertNoSuchRoute(await request(testApp.app)[method](path).set(session));
    }
  });

  it('reads the body of a wrong method only where the route reads one, and only after the session', async () => {
    const textBody = (method: 'put' | 'post', path: string) =>
      request(testApp.app)[method](path).set('Content-Type', 'text/plain').send('x');
    assert.equal((await textBody('put', '/auth-token')).status, 401);
    assert.equal((await textBody('put', '/auth-token').set(session)).status, 415);
    assert.equal((await textBody('put', '/webhooks/smallcase')).status, 415);
    assertNoSuchRoute(await textBody('post', '/holdings').set(session));
    assertNoSuchRoute(await textBody('post', '/healthz'));
  });

  it('runs the guard before refusing a malformed %-escape in a route parameter: 401 for a stranger, 400 with a session', async () => {
    for (const path of ['/transactions/%ff', '/engine/%ff']) {
      assert.equal((await request(testApp.app).get(path)).status, 401, path);
      const withSession = await request(testApp.app).get(path).set(session);
      assert.equal(withSession.status, 400, path);
      assert.equal(withSession.body.code, 'invalid_request');
    }
  });

  it("answers OPTIONS without a CORS preflight with the path's methods in Allow, after the guard", async () => {
    assert.equal((await request(testApp.app).options('/auth-token')).status, 401);
    const guarded = await request(testApp.app).options('/auth-token').set(session).expect(204);
    assert.equal(guarded.headers.allow, 'GET, HEAD, POST');
    const open = await request(testApp.app).options('/healthz').expect(204);
    assert.equal(open.headers.allow, 'GET, HEAD');
    // Every body the service sends is JSON: this answer has none.
    assert.equal(open.text, '');
    assert.equal(open.headers['content-type'], undefined);
    assertNoSuchRoute(await request(testApp.app).options('/nope'));
  });

  it('answers a path outside every route with 404 and reads nothing', async () => {
    const response = await request(testApp.app)
      .post('/webhooks/other')
      .set('Content-Type', 'text/plain')
      .send('x');
    assertNoSuchRoute(response);
  });
});

describe('route table: rate-limit buckets', () => {
  it('/auth-token and all of /transactions share one budget, which unmatched attempts there count against too', async () => {
    const testApp = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '4' } });
    try {
      const session = bearer(testApp.session('bucket-user'));
      const minted = await request(testApp.app).post('/auth-token').set(session).expect(200);
      rememberToken(minted.body.smallcaseAuthToken);
      await request(testApp.app).get(`/transactions/${TRANSACTION}`).set(session).expect(404);
      await request(testApp.app).delete('/transactions').set(session).expect(404);
      await request(testApp.app).put('/auth-token').set(session).expect(404);
      const limited = await request(testApp.app).get('/auth-token').set(session);
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, 'rate_limited');
      await request(testApp.app).get('/holdings').set(session).expect(409);
    } finally {
      await testApp.close();
    }
  });

  it('/holdings and /engine/* share a second budget and /link a third, each per user', async () => {
    const testApp = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const session = bearer(testApp.session('reads-bucket-user'));
      await request(testApp.app).get('/holdings').set(session).expect(409);
      await request(testApp.app).get('/engine/not-allowed').set(session).expect(404);
      assert.equal((await request(testApp.app).get('/engine/smallcases').set(session)).status, 429);
      assert.equal((await request(testApp.app).get('/holdings').set(session)).status, 429);

      const link = () => request(testApp.app).post('/link').set(session).send({ transactionId: TRANSACTION });
      await link().expect(404);
      await request(testApp.app).delete('/link').set(session).expect(204);
      assert.equal((await link()).status, 429);

      const minted = await request(testApp.app).post('/auth-token').set(session).expect(200);
      rememberToken(minted.body.smallcaseAuthToken);
      await request(testApp.app)
        .get('/holdings')
        .set(bearer(testApp.session('other-user')))
        .expect(409);
    } finally {
      await testApp.close();
    }
  });
});

describe('mountRouteTable', () => {
  it('refuses a method and path declared twice', () => {
    const route: RouteSpec = {
      method: 'get',
      path: '/twice',
      guard: PUBLIC,
      handler: (_req, res) => {
        res.end();
      },
      operationId: 'twice',
      summary: 'declared twice',
      tag: 'test',
      responses: {},
      errors: [],
    };
    assert.throws(() => mountRouteTable(Router(), [route, { ...route, operationId: 'again' }], () => []), {
      message: /GET \/twice is declared twice/,
    });
  });
});
