import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreRef } from '../store-contract.js';
import { at, uniqueId } from './unique-id.js';

const body = { transactionId: 'TRX_1', intent: 'CONNECT', nested: { n: [1, 'two'] } };

function claimInput(
  partnerUserId: string,
  key: string,
  requestHash = 'hash-a',
  offsetSeconds = 0,
  leaseSeconds = 600,
) {
  return {
    partnerUserId,
    key,
    requestHash,
    at: at(offsetSeconds),
    expiresAt: at(offsetSeconds + leaseSeconds),
  };
}

export function describeIdempotencyContract(ref: StoreRef): void {
  describe('idempotency keys', () => {
    it('claims a new key, reports it in progress, then completed with the stored response', async () => {
      const idempotency = ref.current.idempotency;
      const [user, key] = [uniqueId('user'), uniqueId('key')];
      assert.deepEqual(await idempotency.claim(claimInput(user, key)), { status: 'claimed' });
      assert.deepEqual(await idempotency.claim(claimInput(user, key, 'hash-b')), {
        status: 'in_progress',
        requestHash: 'hash-a',
      });
      await idempotency.complete({ partnerUserId: user, key, body, expiresAt: at(600) });
      assert.deepEqual(await idempotency.claim(claimInput(user, key, 'hash-b', 5)), {
        status: 'completed',
        requestHash: 'hash-a',
        body,
      });
    });

    it('scopes keys per user', async () => {
      const idempotency = ref.current.idempotency;
      const key = uniqueId('key');
      assert.equal((await idempotency.claim(claimInput(uniqueId('user'), key))).status, 'claimed');
      assert.equal((await idempotency.claim(claimInput(uniqueId('user'), key))).status, 'claimed');
    });

    it('release lets a retry claim again, but never drops a completed record', async () => {
      const idempotency = ref.current.idempotency;
      const [user, key] = [uniqueId('user'), uniqueId('key')];
      await idempotency.claim(claimInput(user, key));
      await idempotency.release({ partnerUserId: user, key });
      assert.equal((await idempotency.claim(claimInput(user, key))).status, 'claimed');
      await idempotency.complete({ partnerUserId: user, key, body, expiresAt: at(600) });
      await idempotency.release({ partnerUserId: user, key });
      assert.equal((await idempotency.claim(claimInput(user, key))).status, 'completed');
    });

    it('an unfinished claim blocks its key for its lease only; a completed one until the expiry it was completed with', async () => {
      const idempotency = ref.current.idempotency;
      const [user, stuck, done] = [uniqueId('user'), uniqueId('key'), uniqueId('key')];
      await idempotency.claim(claimInput(user, stuck, 'hash-a', 0, 300));
      assert.equal((await idempotency.claim(claimInput(user, stuck, 'hash-a', 299))).status, 'in_progress');
      assert.equal((await idempotency.claim(claimInput(user, stuck, 'hash-a', 301))).status, 'claimed');

      await idempotency.claim(claimInput(user, done, 'hash-a', 0, 300));
      await idempotency.complete({ partnerUserId: user, key: done, body, expiresAt: at(600) });
      assert.equal((await idempotency.claim(claimInput(user, done, 'hash-a', 400))).status, 'completed');
      assert.equal((await idempotency.claim(claimInput(user, done, 'hash-a', 601))).status, 'claimed');
    });

    it('an expired record is replaced by a new claim', async () => {
      const idempotency = ref.current.idempotency;
      const [user, key] = [uniqueId('user'), uniqueId('key')];
      await idempotency.claim(claimInput(user, key, 'old-hash', -1200));
      await idempotency.complete({ partnerUserId: user, key, body, expiresAt: at(-600) });
      assert.deepEqual(await idempotency.claim(claimInput(user, key, 'new-hash')), { status: 'claimed' });
      assert.deepEqual(await idempotency.claim(claimInput(user, key, 'other')), {
        status: 'in_progress',
        requestHash: 'new-hash',
      });
    });

    it('when ten requests claim the same key at once, exactly one owns it', async () => {
      const idempotency = ref.current.idempotency;
      const [user, key] = [uniqueId('user'), uniqueId('key')];
      const claims = await Promise.all(
        Array.from({ length: 10 }, () => idempotency.claim(claimInput(user, key))),
      );
      assert.equal(claims.filter((claim) => claim.status === 'claimed').length, 1);
      assert.equal(claims.filter((claim) => claim.status === 'in_progress').length, 9);
    });
  });
}
