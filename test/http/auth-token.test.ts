import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { verifyHs256 } from '../support/verify-hs256.js';

describe('/auth-token', () => {
  const testApp = buildTestApp();
  after(() => testApp.close());

  it('mints a guest token for a user with no link, then a connected token once a link row exists', async () => {
    const session = testApp.session('user-guest-then-linked');
    const guest = await request(testApp.app).post('/auth-token').set(bearer(session)).expect(200);
    rememberToken(guest.body.smallcaseAuthToken);
    assert.equal(guest.body.userType, 'guest');
    assert.equal(guest.body.gatewayName, 'gatewaytest');
    assert.equal(guest.headers['cache-control'], 'no-store');
    const guestToken = verifyHs256(guest.body.smallcaseAuthToken, CANARY.gatewaySecret);
    assert.deepEqual(guestToken.header, { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(Object.keys(guestToken.payload).sort(), ['exp', 'guest', 'iat']);
    assert.equal(guestToken.payload.guest, true);
    assert.equal(Number(guestToken.payload.exp) - Number(guestToken.payload.iat), 3600);
    assert.equal(guest.body.expiresAt, new Date(Number(guestToken.payload.exp) * 1000).toISOString());

    await testApp.store.links.link({
      partnerUserId: 'user-guest-then-linked',
      smallcaseAuthId: 'sc-auth-123',
      broker: 'kite',
      at: new Date(),
    });
    const connected = await request(testApp.app).get('/auth-token').set(bearer(session)).expect(200);
    rememberToken(connected.body.smallcaseAuthToken);
    assert.equal(connected.body.userType, 'connected');
    const connectedToken = verifyHs256(connected.body.smallcaseAuthToken, CANARY.gatewaySecret);
    assert.deepEqual(Object.keys(connectedToken.payload).sort(), ['exp', 'iat', 'smallcaseAuthId']);
    assert.equal(connectedToken.payload.smallcaseAuthId, 'sc-auth-123');
  });
});
