import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { rememberToken } from '../support/log-capture.js';
import { loggedRefusal } from '../support/session-refusals.js';
import { bearer, buildTestApp } from '../support/test-app.js';

describe('header mode: identity from the partner auth proxy', () => {
  const testApp = buildTestApp({
    env: {
      PARTNER_AUTH: 'header',
      PARTNER_USER_HEADER: 'X-Partner-User',
      PARTNER_PROXY_SECRET: CANARY.proxySecret,
      RATE_LIMIT_PER_MINUTE: '1000',
    },
  });
  after(() => testApp.close());

  const post = (headers: Record<string, string>) => request(testApp.app).post('/auth-token').set(headers);

  // supertest's types allow repeated lines only for Cookie, so repeated headers go out raw.
  const server = createServer(testApp.app);
  before(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const postRaw = (headers: OutgoingHttpHeaders) =>
    new Promise<{ status: number; requestId: unknown; body: { code?: string } }>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/auth-token', headers });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            requestId: res.headers['x-request-id'],
            body: JSON.parse(text),
          }),
        );
      });
      req.end();
    });

  it('honours the identity header sent with the right proxy secret', async () => {
    await testApp.store.links.link({
      partnerUserId: 'proxied-user',
      smallcaseAuthId: 'sc-proxied',
      broker: null,
      at: new Date(),
    });
    const response = await post({
      'x-partner-user': 'proxied-user',
      'x-partner-proxy-secret': CANARY.proxySecret,
    });
    assert.equal(response.status, 200);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(response.body.userType, 'connected');
  });

  it('refuses the identity header without, or with a wrong, proxy secret', async () => {
    const wrongSecrets = [
      undefined,
      '',
      'wrong',
      CANARY.proxySecret.slice(0, -1),
      `${CANARY.proxySecret}x`,
      CANARY.proxySecret.toUpperCase(),
    ];
    for (const secret of wrongSecrets) {
      const headers: Record<string, string> = { 'x-partner-user': 'proxied-user' };
      if (secret !== undefined) headers['x-partner-proxy-secret'] = secret;
      const response = await post(headers);
      assert.equal(response.status, 401, `secret ${JSON.stringify(secret?.slice(0, 4))}`);
      assert.equal(response.body.code, 'unauthenticated');
    }
  });

  it('never honours the identity header with an arbitrary proxy secret', async () => {
    const headerSafe = fc
      .string({ unit: 'binary-ascii', maxLength: 100 })
      .filter((s) => /^[\x20-\x7e]*$/.test(s));
    await fc.assert(
      fc.asyncProperty(headerSafe, async (secret) => {
        fc.pre(secret.trim() !== CANARY.proxySecret);
        const response = await post({ 'x-partner-user': 'proxied-user', 'x-partner-proxy-secret': secret });
        assert.equal(response.status, 401);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses the right proxy secret without a usable identity header', async () => {
    await post({ 'x-partner-proxy-secret': CANARY.proxySecret }).expect(401);
    await post({ 'x-partner-proxy-secret': CANARY.proxySecret, 'x-partner-user': '' }).expect(401);
    await post({ 'x-partner-proxy-secret': CANARY.proxySecret, 'x-partner-user': 'u'.repeat(300) }).expect(
      401,
    );
  });

  it('refuses an identity header sent twice, which Node would join into "alice, mallory"', async () => {
    for (const users of [
      ['alice', 'mallory'],
      ['alice', 'alice'],
    ]) {
      const response = await postRaw({
        'x-partner-proxy-secret': CANARY.proxySecret,
        'x-partner-user': users,
      });
      assert.equal(response.status, 401, users.join(' + '));
      assert.equal(response.body.code, 'unauthenticated');
    }
  });

  it('refuses the proxy secret sent twice, even when both copies are right', async () => {
    const response = await postRaw({
      'x-partner-proxy-secret': [CANARY.proxySecret, CANARY.proxySecret],
      'x-partner-user': 'alice',
    });
    assert.equal(response.status, 401);
    assert.equal(response.body.code, 'unauthenticated');
  });

  it('still honours a single identity line whose value contains a comma', async () => {
    const response = await post({
      'x-partner-user': 'alice, mallory',
      'x-partner-proxy-secret': CANARY.proxySecret,
    });
    assert.equal(response.status, 200);
    rememberToken(response.body.smallcaseAuthToken);
  });

  it('does not accept a partner JWT instead of the proxy headers', async () => {
    const session = testApp.session('proxied-user');
    rememberToken(session);
    await post(bearer(session)).expect(401);
  });

  it('logs why a request was refused, with its request id and without the secret', async () => {
    const refusedFor = async (headers: Record<string, string>) => {
      const response = await post(headers).expect(401);
      const logged = loggedRefusal(response.headers['x-request-id']);
      assert.ok(logged, 'a refusal line for the request');
      assert.equal(logged.level, 'info');
      return logged;
    };
    assert.equal((await refusedFor({ 'x-partner-user': 'alice' })).reason, 'wrong_proxy_secret');
    const wrong = await refusedFor({ 'x-partner-user': 'alice', 'x-partner-proxy-secret': 'guess-7f1c' });
    assert.equal(wrong.reason, 'wrong_proxy_secret');
    assert.match(wrong.detail, /does not match PARTNER_PROXY_SECRET/);
    assert.ok(!wrong.line.includes('guess-7f1c'));
    const anonymous = await refusedFor({ 'x-partner-proxy-secret': CANARY.proxySecret });
    assert.equal(anonymous.reason, 'no_credentials');
    assert.match(anonymous.detail, /x-partner-user/);
  });

  it('logs a repeated identity header as duplicate_header', async () => {
    const response = await postRaw({
      'x-partner-proxy-secret': CANARY.proxySecret,
      'x-partner-user': ['a', 'b'],
    });
    assert.equal(response.status, 401);
    assert.equal(loggedRefusal(response.requestId)?.reason, 'duplicate_header');
  });

  it('compares the proxy secret in constant time', () => {
    const source = readFileSync(
      new URL('../../src/partner-auth/header-authenticator.ts', import.meta.url),
      'utf8',
    );
    assert.match(source, /timingSafeEqual\(/);
    assert.doesNotMatch(source, /[!=]==?\s*(options\.)?proxySecret|proxySecret\s*[!=]==?/);
  });
});
