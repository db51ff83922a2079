import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { CANARY } from '../support/canaries.js';
import { forgeHmacJwt, forgeUnsignedJwt, nowSeconds } from '../support/forge-jwt.js';
import { rememberToken } from '../support/log-capture.js';
import { loggedRefusal } from '../support/session-refusals.js';
import { bearer, buildTestApp } from '../support/test-app.js';

const ISSUER = 'https://idp.partner.example';
const AUDIENCE = 'gateway-token-service';
const partnerKey = createSecretKey(Buffer.from(CANARY.partnerJwtSecret));

function partnerJwt(payload: Record<string, unknown>, options: jwt.SignOptions = {}): string {
  const token = jwt.sign(payload, partnerKey, { algorithm: 'HS256', ...options });
  rememberToken(token);
  return token;
}

function validClaims(userId: string): Record<string, unknown> {
  return { sub: userId, iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600 };
}

describe('partner session JWT (HS secret, issuer and audience configured)', () => {
  const testApp = buildTestApp({
    env: { PARTNER_JWT_ISSUER: ISSUER, PARTNER_JWT_AUDIENCE: AUDIENCE, RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  after(() => testApp.close());

  const expect401 = async (headers: Record<string, string>, path = '/auth-token') => {
    const response = await request(testApp.app).post(path).set(headers).expect(401);
    assert.equal(response.body.code, 'unauthenticated');
    assert.equal(response.body.smallcaseAuthToken, undefined);
  };

  it('accepts a session with the right key, issuer, audience and expiry', async () => {
    const response = await request(testApp.app)
      .post('/auth-token')
      .set(bearer(partnerJwt(validClaims('alice'))))
      .expect(200);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(response.body.userType, 'guest');
  });

  it('refuses alg none, with or without a signature segment', async () => {
    await expect401(bearer(forgeUnsignedJwt(validClaims('alice'))));
    await expect401(bearer(forgeUnsignedJwt(validClaims('alice'), 'AAAA')));
    const noneHs = forgeHmacJwt({ alg: 'none' }, validClaims('alice'), CANARY.partnerJwtSecret);
    await expect401(bearer(noneHs));
  });

  it('refuses a session signed with another key', async () => {
    const wrong = jwt.sign(validClaims('alice'), 'some-other-partner-secret-of-enough-length!!', {
      algorithm: 'HS256',
    });
    await expect401(bearer(wrong));
  });

  it('refuses a session signed with the Gateway secret (our own key)', async () => {
    await expect401(
      bearer(forgeHmacJwt({ alg: 'HS256', typ: 'JWT' }, validClaims('alice'), CANARY.gatewaySecret)),
    );
  });

  it('refuses an expired session and one not yet valid', async () => {
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), exp: nowSeconds() - 60 })));
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), nbf: nowSeconds() + 600 })));
  });

  it('refuses a session without exp', async () => {
    const { exp: _exp, ...withoutExp } = validClaims('alice');
    await expect401(bearer(partnerJwt(withoutExp)));
  });

  it('refuses a wrong or missing issuer and a wrong or missing audience', async () => {
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), iss: 'https://evil.example' })));
    const { iss: _iss, ...withoutIssuer } = validClaims('alice');
    await expect401(bearer(partnerJwt(withoutIssuer)));
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), aud: 'another-service' })));
    const { aud: _aud, ...withoutAudience } = validClaims('alice');
    await expect401(bearer(partnerJwt(withoutAudience)));
  });

  it('refuses a session that names no usable user', async () => {
    const { sub: _sub, ...withoutSub } = validClaims('alice');
    await expect401(bearer(partnerJwt(withoutSub)));
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), sub: '' })));
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), sub: 42 })));
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), sub: ' padded ' })));
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), sub: 'x'.repeat(257) })));
  });

  it('refuses our own minted smallcaseAuthToken presented as a session', async () => {
    const issued = await request(testApp.app)
      .post('/auth-token')
      .set(bearer(partnerJwt(validClaims('bob'))))
      .expect(200);
    rememberToken(issued.body.smallcaseAuthToken);
    await expect401(bearer(issued.body.smallcaseAuthToken));
  });

  it('refuses a partner-signed token that carries smallcaseAuthToken claims', async () => {
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), smallcaseAuthId: 'sc-1' })));
    await expect401(bearer(partnerJwt({ ...validClaims('alice'), guest: true })));
  });

  it('ignores a session token in the query string', async () => {
    const token = partnerJwt(validClaims('alice'));
    for (const name of ['access_token', 'token', 'authorization', 'session']) {
      const response = await request(testApp.app).get(`/auth-token?${name}=${token}`).expect(401);
      assert.equal(response.body.code, 'unauthenticated');
    }
  });

  it('refuses other authorization schemes and a bearer without a token', async () => {
    const token = partnerJwt(validClaims('alice'));
    await expect401({ Authorization: `Basic ${token}` });
    await expect401({ Authorization: token });
    await expect401({ Authorization: 'Bearer ' });
    await expect401({ Authorization: `Bearer ${token} extra` });
  });

  it('ignores a session cookie when PARTNER_SESSION_COOKIE is not configured', async () => {
    await expect401({ Cookie: `partner_session=${partnerJwt(validClaims('alice'))}` });
  });

  it('never answers 2xx or 5xx to arbitrary Authorization header values', async () => {
    const headerSafe = fc
      .string({ unit: 'binary-ascii', maxLength: 300 })
      .filter((s) => /^[\t\x20-\x7e]*$/.test(s));
    const segment = fc.string({ unit: fc.constantFrom(...'ABCxyz019-_'.split('')), maxLength: 60 });
    const jwtShaped = fc
      .tuple(segment, segment, segment)
      .map(([header, payload, signature]) => `${header}.${payload}.${signature}`);
    const jsonSegments = fc
      .tuple(fc.jsonValue(), fc.jsonValue(), segment)
      .map(
        ([header, payload, signature]) =>
          `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`,
      );
    const value = fc.oneof(
      headerSafe,
      headerSafe.map((s) => `Bearer ${s}`),
      jwtShaped.map((s) => `Bearer ${s}`),
      jsonSegments.map((s) => `Bearer ${s}`),
    );
    await fc.assert(
      fc.asyncProperty(value, async (authorization) => {
        const response = await request(testApp.app).post('/auth-token').set('Authorization', authorization);
        assert.ok(response.status >= 400 && response.status < 500, `${response.status} for ${authorization}`);
        assert.equal(response.body.smallcaseAuthToken, undefined);
      }),
      { numRuns: 300 },
    );
  });
});

describe('partner session from a cookie (PARTNER_SESSION_COOKIE)', () => {
  const testApp = buildTestApp({
    env: { PARTNER_SESSION_COOKIE: 'partner_session', RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  after(() => testApp.close());

  it('accepts the session from the configured cookie', async () => {
    const response = await request(testApp.app)
      .post('/auth-token')
      .set('Cookie', `theme=dark; partner_session=${partnerJwt({ sub: 'carol' }, { expiresIn: 600 })}`)
      .expect(200);
    rememberToken(response.body.smallcaseAuthToken);
    assert.equal(response.body.userType, 'guest');
  });

  it('refuses an expired or forged cookie and a session in another cookie', async () => {
    const expired = partnerJwt({ sub: 'carol', exp: nowSeconds() - 60 });
    await request(testApp.app).post('/auth-token').set('Cookie', `partner_session=${expired}`).expect(401);
    const forged = forgeUnsignedJwt({ sub: 'carol', exp: nowSeconds() + 600 });
    await request(testApp.app).post('/auth-token').set('Cookie', `partner_session=${forged}`).expect(401);
    const good = partnerJwt({ sub: 'carol' }, { expiresIn: 600 });
    await request(testApp.app).post('/auth-token').set('Cookie', `other_session=${good}`).expect(401);
  });

  it('never answers 2xx or 5xx to arbitrary Cookie header values', async () => {
    const cookieText = fc
      .string({ unit: 'binary-ascii', maxLength: 200 })
      .filter((s) => /^[\t\x20-\x7e]*$/.test(s));
    const value = fc.oneof(
      cookieText,
      cookieText.map((s) => `partner_session=${s}`),
      cookieText.map((s) => `partner_session=${encodeURIComponent(s)}; partner_session=%E0%A4%A`),
    );
    await fc.assert(
      fc.asyncProperty(value, async (cookie) => {
        const response = await request(testApp.app).post('/auth-token').set('Cookie', cookie);
        assert.ok(response.status >= 400 && response.status < 500, `${response.status} for ${cookie}`);
      }),
      { numRuns: 150 },
    );
  });

  it('lets an Authorization: Bearer header win over the cookie, even when the bearer is invalid', async () => {
    const good = partnerJwt({ sub: 'carol' }, { expiresIn: 600 });
    const response = await request(testApp.app)
      .post('/auth-token')
      .set('Authorization', 'Bearer not.a.token')
      .set('Cookie', `partner_session=${good}`)
      .expect(401);
    assert.equal(loggedRefusal(response.headers['x-request-id'])?.reason, 'malformed');
  });

  it('reads the cookie when Authorization carries another scheme, such as a staging gate Basic', async () => {
    const good = partnerJwt({ sub: 'carol' }, { expiresIn: 600 });
    for (const authorization of ['Basic c3RhZ2luZzpnYXRl', 'Negotiate abc', 'Bearer-ish x']) {
      const response = await request(testApp.app)
        .post('/auth-token')
        .set('Authorization', authorization)
        .set('Cookie', `partner_session=${good}`);
      rememberToken(response.body.smallcaseAuthToken);
      assert.equal(response.status, 200, authorization);
    }
  });

  it('refuses another Authorization scheme without the session cookie, and logs the scheme it saw', async () => {
    const response = await request(testApp.app)
      .post('/auth-token')
      .set('Authorization', 'Basic c3RhZ2luZzpnYXRl')
      .set('Cookie', 'theme=dark')
      .expect(401);
    const logged = loggedRefusal(response.headers['x-request-id']);
    assert.equal(logged?.reason, 'not_bearer');
    assert.match(logged?.detail ?? '', /"Basic".*"partner_session" cookie/);
    assert.ok(!logged?.line.includes('c3RhZ2luZzpnYXRl'), 'the credential stays out of the log');
  });

  it('refuses two cookies of the session name, in one Cookie header or in two', async () => {
    const mine = partnerJwt({ sub: 'carol' }, { expiresIn: 600 });
    const planted = partnerJwt({ sub: 'mallory' }, { expiresIn: 600 });
    const sent = [
      [`partner_session=${mine}; partner_session=${planted}`],
      [`partner_session=${planted}; theme=dark; partner_session=${mine}`],
      [`partner_session=${mine}`, `partner_session=${mine}`],
    ];
    for (const cookies of sent) {
      const response = await request(testApp.app).post('/auth-token').set('Cookie', cookies).expect(401);
      assert.equal(response.body.code, 'unauthenticated');
      assert.equal(loggedRefusal(response.headers['x-request-id'])?.reason, 'duplicate_cookie');
    }
    // Names are case-sensitive, as browsers treat them: a look-alike is another cookie.
    const response = await request(testApp.app)
      .post('/auth-token')
      .set('Cookie', `partner_session=${mine}; Partner_Session=${planted}`)
      .expect(200);
    rememberToken(response.body.smallcaseAuthToken);
  });
});
