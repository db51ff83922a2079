import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

function payloadOf(token: string): Record<string, unknown> {
  rememberToken(token);
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
}

describe('the partner user comes only from the verified session', () => {
  const testApp = buildTestApp();
  after(() => testApp.close());
  const session = testApp.session('mallory');
  rememberToken(session);

  before(async () => {
    await testApp.store.links.link({
      partnerUserId: 'victim',
      smallcaseAuthId: 'sc-victim',
      broker: 'kite',
      at: new Date(),
    });
  });

  const attempts = { userId: 'victim', sub: 'victim', smallcaseAuthId: 'sc-victim', partnerUserId: 'victim' };

  it('ignores user fields in the JSON body', async () => {
    const response = await request(testApp.app)
      .post('/auth-token')
      .set(bearer(session))
      .send(attempts)
      .expect(200);
    assert.equal(response.body.userType, 'guest');
    assert.deepEqual(Object.keys(payloadOf(response.body.smallcaseAuthToken)).sort(), [
      'exp',
      'guest',
      'iat',
    ]);
  });

  it('ignores user fields in the query string, on GET and POST', async () => {
    const query = new URLSearchParams(attempts).toString();
    for (const method of ['get', 'post'] as const) {
      const response = await request(testApp.app)
        [method](`/auth-token?${query}`)
        .set(bearer(session))
        .expect(200);
      assert.equal(response.body.userType, 'guest');
      assert.equal(payloadOf(response.body.smallcaseAuthToken).smallcaseAuthId, undefined);
    }
  });

  it('ignores identity headers such as x-user-id in jwt mode', async () => {
    const response = await request(testApp.app)
      .post('/auth-token')
      .set(bearer(session))
      .set({ 'x-user-id': 'victim', 'x-partner-user': 'victim', 'x-smallcase-auth-id': 'sc-victim' })
      .expect(200);
    assert.equal(response.body.userType, 'guest');
  });

  it('refuses those attempts outright when there is no session', async () => {
    await request(testApp.app).post('/auth-token').set('x-user-id', 'victim').send(attempts).expect(401);
    await request(testApp.app).get('/auth-token?userId=victim&sub=victim').expect(401);
  });

  it('still gives the victim their own connected token', async () => {
    const victim = testApp.session('victim');
    rememberToken(victim);
    const response = await request(testApp.app).post('/auth-token').set(bearer(victim)).expect(200);
    assert.equal(response.body.userType, 'connected');
    assert.equal(payloadOf(response.body.smallcaseAuthToken).smallcaseAuthId, 'sc-victim');
  });
});
