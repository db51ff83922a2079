import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

describe('POST /dev/session', () => {
  it('signs a one-hour partner session that /auth-token accepts when DEV_LOGIN is on', async () => {
    const testApp = buildTestApp({ env: { DEV_LOGIN: 'true' } });
    try {
      const response = await request(testApp.app)
        .post('/dev/session')
        .send({ userId: 'dev-user' })
        .expect(200);
      rememberToken(response.body.sessionToken);
      assert.equal(response.body.userId, 'dev-user');
      assert.equal(response.headers['cache-control'], 'no-store');
      const claims = jwt.verify(response.body.sessionToken, CANARY.partnerJwtSecret, {
        algorithms: ['HS256'],
      }) as jwt.JwtPayload;
      assert.equal(claims.sub, 'dev-user');
      assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
      const token = await request(testApp.app)
        .post('/auth-token')
        .set(bearer(response.body.sessionToken))
        .expect(200);
      rememberToken(token.body.smallcaseAuthToken);

      const bad = await request(testApp.app).post('/dev/session').send({ userId: '' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'invalid_request');
      await request(testApp.app).post('/dev/session').set('Content-Type', 'text/plain').send('x').expect(415);
    } finally {
      await testApp.close();
    }
  });

  it('puts the user id in PARTNER_USER_CLAIM', async () => {
    const testApp = buildTestApp({ env: { DEV_LOGIN: 'true', PARTNER_USER_CLAIM: 'uid' } });
    try {
      const response = await request(testApp.app)
        .post('/dev/session')
        .send({ userId: 'claimed' })
        .expect(200);
      rememberToken(response.body.sessionToken);
      const claims = jwt.decode(response.body.sessionToken) as jwt.JwtPayload;
      assert.equal(claims.uid, 'claimed');
      const token = await request(testApp.app)
        .get('/auth-token')
        .set(bearer(response.body.sessionToken))
        .expect(200);
      rememberToken(token.body.smallcaseAuthToken);
    } finally {
      await testApp.close();
    }
  });

  it('does not exist when DEV_LOGIN is off', async () => {
    const testApp = buildTestApp({ env: { DEV_LOGIN: 'false' } });
    try {
      const response = await request(testApp.app).post('/dev/session').send({ userId: 'dev-user' });
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'not_found');
    } finally {
      await testApp.close();
    }
  });
});

describe('POST /dev/session with issuer, audience and algorithm configured', () => {
  it('signs sessions that the configured verifier accepts', async () => {
    const testApp = buildTestApp({
      env: {
        DEV_LOGIN: 'true',
        PARTNER_JWT_ISSUER: 'https://auth.partner.example',
        PARTNER_JWT_AUDIENCE: 'gateway-token-service',
        PARTNER_JWT_ALGORITHMS: 'HS512',
        PARTNER_USER_CLAIM: 'uid',
      },
    });
    try {
      const response = await request(testApp.app)
        .post('/dev/session')
        .send({ userId: 'dev-iss' })
        .expect(200);
      rememberToken(response.body.sessionToken);
      const claims = jwt.verify(response.body.sessionToken, CANARY.partnerJwtSecret, {
        algorithms: ['HS512'],
        issuer: 'https://auth.partner.example',
        audience: 'gateway-token-service',
      }) as jwt.JwtPayload;
      assert.equal(claims.uid, 'dev-iss');
      const token = await request(testApp.app)
        .post('/auth-token')
        .set(bearer(response.body.sessionToken))
        .expect(200);
      rememberToken(token.body.smallcaseAuthToken);
    } finally {
      await testApp.close();
    }
  });
});
