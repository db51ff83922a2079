import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

/** Verifies an HS256 JWT by hand with node:crypto, independently of the code that signed it. */
function decodeVerified(
  token: string,
  secret: string,
): { header: unknown; payload: Record<string, unknown> } {
  const [header, payload, signature] = token.split('.');
  assert.ok(header && payload && signature, 'three JWS segments');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  assert.equal(signature, expected, 'HS256 signature made with the Gateway secret');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
  };
}

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
    const guestToken = decodeVerified(guest.body.smallcaseAuthToken, CANARY.gatewaySecret);
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
    const connectedToken = decodeVerified(connected.body.smallcaseAuthToken, CANARY.gatewaySecret);
    assert.deepEqual(Object.keys(connectedToken.payload).sort(), ['exp', 'iat', 'smallcaseAuthId']);
    assert.equal(connectedToken.payload.smallcaseAuthId, 'sc-auth-123');
  });
});
