import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailableError } from '../../../src/errors/app-errors.js';
import type { StoreRef } from '../store-contract.js';
import { at, uniqueId } from './unique-id.js';

export function describeTransactionContract(ref: StoreRef): void {
  describe('transactions', () => {
    it('creates a transaction and reads it back with its owner, intent and times', async () => {
      const transactions = ref.current.transactions;
      const transactionId = uniqueId('TRX');
      await transactions.create({
        transactionId,
        partnerUserId: 'owner-1',
        intent: 'CONNECT',
        status: 'INITIALIZED',
        createdAt: at(),
        expireAt: at(300),
      });
      assert.deepEqual(await transactions.findById(transactionId), {
        transactionId,
        partnerUserId: 'owner-1',
        intent: 'CONNECT',
        status: 'INITIALIZED',
        smallcaseAuthId: null,
        broker: null,
        createdAt: at(),
        expireAt: at(300),
        updatedAt: at(),
      });
      assert.equal(await transactions.findById(uniqueId('TRX-unknown')), undefined);
    });

    it('keeps a transaction without an expiry time', async () => {
      const transactions = ref.current.transactions;
      const transactionId = uniqueId('TRX');
      const base = { partnerUserId: 'owner-2', intent: 'HOLDINGS_IMPORT', status: 'INITIALIZED' };
      await transactions.create({ transactionId, ...base, createdAt: at(), expireAt: null });
      assert.equal((await transactions.findById(transactionId))?.expireAt, null);
    });

    it('updates the status, and a later update without account or broker keeps the known ones', async () => {
      const transactions = ref.current.transactions;
      const transactionId = uniqueId('TRX');
      const base = { partnerUserId: 'owner-3', intent: 'CONNECT', expireAt: null };
      await transactions.create({ transactionId, ...base, status: 'INITIALIZED', createdAt: at() });
      const completed = await transactions.update({
        transactionId,
        status: 'COMPLETED',
        smallcaseAuthId: 'sc-1',
        broker: 'kite',
        at: at(10),
      });
      assert.equal(completed?.status, 'COMPLETED');
      assert.equal(completed?.smallcaseAuthId, 'sc-1');
      const sparse = await transactions.update({
        transactionId,
        status: 'USED',
        smallcaseAuthId: null,
        broker: null,
        at: at(20),
      });
      assert.deepEqual(
        [sparse?.status, sparse?.smallcaseAuthId, sparse?.broker, sparse?.updatedAt],
        ['USED', 'sc-1', 'kite', at(20)],
      );
      assert.deepEqual(await transactions.findById(transactionId), sparse);
    });

    it('updating an unknown transaction changes nothing and returns undefined', async () => {
      const update = {
        transactionId: uniqueId('TRX'),
        status: 'COMPLETED',
        smallcaseAuthId: null,
        broker: null,
      };
      assert.equal(await ref.current.transactions.update({ ...update, at: at() }), undefined);
      assert.equal(await ref.current.transactions.findById(update.transactionId), undefined);
    });

    it('refuses a second transaction with the same id and keeps the first', async () => {
      const transactions = ref.current.transactions;
      const transactionId = uniqueId('TRX');
      const record = {
        transactionId,
        intent: 'CONNECT',
        status: 'INITIALIZED',
        createdAt: at(),
        expireAt: null,
      };
      await transactions.create({ ...record, partnerUserId: 'first-owner' });
      await assert.rejects(
        transactions.create({ ...record, partnerUserId: 'second-owner' }),
        StoreUnavailableError,
      );
      assert.equal((await transactions.findById(transactionId))?.partnerUserId, 'first-owner');
    });
  });
}
