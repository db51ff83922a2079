import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createTokenMinter } from '../../src/tokens/token-minter.js';
import { CANARY } from '../support/canaries.js';
import { verifyHs256 } from '../support/verify-hs256.js';

const ttl = fc.integer({ min: 60, max: 86_400 });
// Any instant from 2001 to 2100, in milliseconds.
const nowMs = fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 });

describe('token minter', () => {
  it('mints connected tokens that verify by hand, with exactly {smallcaseAuthId, iat, exp} and exp - iat = TTL', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        ttl,
        nowMs,
        (smallcaseAuthId, ttlSeconds, now) => {
          const minter = createTokenMinter({
            gatewaySecret: CANARY.gatewaySecret,
            ttlSeconds,
            now: () => now,
          });
          const minted = minter.mintConnected(smallcaseAuthId);
          const { header, payload } = verifyHs256(minted.smallcaseAuthToken, CANARY.gatewaySecret);
          assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
          assert.deepEqual(Object.keys(payload).sort(), ['exp', 'iat', 'smallcaseAuthId']);
          assert.equal(payload.smallcaseAuthId, smallcaseAuthId);
          assert.equal(payload.iat, Math.floor(now / 1000));
          assert.equal(Number(payload.exp) - Number(payload.iat), ttlSeconds);
          assert.equal(minted.exp, payload.exp);
          assert.equal(minted.userType, 'connected');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mints guest tokens that verify by hand, with exactly {guest: true, iat, exp} and exp - iat = TTL', () => {
    fc.assert(
      fc.property(ttl, nowMs, (ttlSeconds, now) => {
        const minter = createTokenMinter({ gatewaySecret: CANARY.gatewaySecret, ttlSeconds, now: () => now });
        const minted = minter.mintGuest();
        const { header, payload } = verifyHs256(minted.smallcaseAuthToken, CANARY.gatewaySecret);
        assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
        assert.deepEqual(payload, {
          guest: true,
          iat: Math.floor(now / 1000),
          exp: Math.floor(now / 1000) + ttlSeconds,
        });
        assert.equal(minted.userType, 'guest');
      }),
      { numRuns: 200 },
    );
  });

  it('keys the signature with the configured secret, whatever its bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }), (secret) => {
        const minted = createTokenMinter({ gatewaySecret: secret, ttlSeconds: 3600 }).mintGuest();
        verifyHs256(minted.smallcaseAuthToken, secret);
      }),
      { numRuns: 100 },
    );
  });

  it('uses the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const minted = createTokenMinter({ gatewaySecret: CANARY.gatewaySecret, ttlSeconds: 600 }).mintGuest();
    const after = Math.floor(Date.now() / 1000);
    const { payload } = verifyHs256(minted.smallcaseAuthToken, CANARY.gatewaySecret);
    assert.ok(Number(payload.iat) >= before && Number(payload.iat) <= after);
  });
});
