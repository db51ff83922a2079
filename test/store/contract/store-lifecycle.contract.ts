import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailableError } from '../../../src/errors/app-errors.js';
import type { StoreRef } from '../store-contract.js';
import { at, uniqueId } from './unique-id.js';

export function describeLifecycleContract(ref: StoreRef): void {
  describe('opening and closing', () => {
    it('opening the same database again migrates nothing twice and sees the existing rows', async () => {
      const [user, account] = [uniqueId('user'), uniqueId('sc')];
      await ref.current.links.link({ partnerUserId: user, smallcaseAuthId: account, broker: null, at: at() });
      const second = await ref.database.openStore();
      try {
        await second.ping();
        assert.equal((await second.links.findByUser(user))?.smallcaseAuthId, account);
      } finally {
        await second.close();
      }
    });

    it('a closed store answers every call with StoreUnavailableError', async () => {
      const closed = await ref.database.openStore();
      await closed.close();
      await closed.close();
      const claim = { partnerUserId: 'u', key: 'k', requestHash: 'h', at: at(), expiresAt: at(60) };
      const calls: [string, () => Promise<unknown>][] = [
        ['ping', () => closed.ping()],
        ['links.findByUser', () => closed.links.findByUser('u')],
        [
          'links.link',
          () => closed.links.link({ partnerUserId: 'u', smallcaseAuthId: 's', broker: null, at: at() }),
        ],
        ['transactions.findById', () => closed.transactions.findById('t')],
        ['idempotency.claim', () => closed.idempotency.claim(claim)],
        ['webhooks.recordOnce', () => closed.webhooks.recordOnce({ ...webhookEvent(), eventKey: 'e' }, {})],
        ['holdings.latestFor', () => closed.holdings.latestFor('u')],
      ];
      for (const [name, call] of calls) {
        await assert.rejects(call(), StoreUnavailableError, `${name} on a closed store`);
      }
    });
  });
}

function webhookEvent() {
  return { kind: 'transaction', transactionId: null, smallcaseAuthId: null, receivedAt: at(), payload: {} };
}
