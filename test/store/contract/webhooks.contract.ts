import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailableError } from '../../../src/errors/app-errors.js';
import type { Store, WebhookEvent } from '../../../src/store/store.js';
import type { StoreRef } from '../store-contract.js';
import { at, uniqueId } from './unique-id.js';

function event(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    eventKey: uniqueId('evt'),
    kind: 'transaction',
    transactionId: null,
    smallcaseAuthId: null,
    receivedAt: at(),
    payload: { timestamp: 1_700_000_000, data: { status: 'COMPLETED', list: [1, 2] } },
    ...overrides,
  };
}

async function ownedTransaction(store: Store, owner: string): Promise<string> {
  const transactionId = uniqueId('TRX');
  const base = { partnerUserId: owner, intent: 'CONNECT', status: 'INITIALIZED', expireAt: null };
  await store.transactions.create({ transactionId, ...base, createdAt: at() });
  return transactionId;
}

export function describeWebhookContract(ref: StoreRef): void {
  describe('webhook events and holdings', () => {
    it('records an event once, applying its transaction update, link and holdings together', async () => {
      const store = ref.current;
      const [user, account] = [uniqueId('user'), uniqueId('sc')];
      const transactionId = await ownedTransaction(store, user);
      const holdings = { holdings: [{ ticker: 'INFY', qty: 3 }] };
      const first = event({ transactionId, smallcaseAuthId: account });
      const outcome = await store.webhooks.recordOnce(first, {
        transactionUpdate: {
          transactionId,
          status: 'COMPLETED',
          smallcaseAuthId: account,
          broker: 'kite',
          at: at(1),
        },
        link: { partnerUserId: user, smallcaseAuthId: account, broker: 'kite', at: at(1) },
        holdingsSnapshot: {
          partnerUserId: user,
          smallcaseAuthId: account,
          data: holdings,
          snapshotAt: at(1),
        },
      });
      assert.equal(outcome.status, 'applied');
      assert.equal(outcome.status === 'applied' && outcome.linkOutcome?.status, 'linked');
      assert.equal(await store.webhooks.isRecorded(first.eventKey), true);
      assert.equal((await store.transactions.findById(transactionId))?.status, 'COMPLETED');
      assert.equal((await store.links.findByUser(user))?.smallcaseAuthId, account);
      assert.deepEqual((await store.holdings.latestFor(user))?.data, holdings);

      await store.transactions.update({
        transactionId,
        status: 'USED',
        smallcaseAuthId: null,
        broker: null,
        at: at(2),
      });
      const again = await store.webhooks.recordOnce(first, {
        transactionUpdate: {
          transactionId,
          status: 'COMPLETED',
          smallcaseAuthId: null,
          broker: null,
          at: at(3),
        },
      });
      assert.deepEqual(again, { status: 'duplicate' });
      assert.equal((await store.transactions.findById(transactionId))?.status, 'USED');
    });

    it('records the event even when its link is refused because the account belongs to someone else', async () => {
      const store = ref.current;
      const [owner, intruder, account] = [uniqueId('user'), uniqueId('user'), uniqueId('sc')];
      await store.links.link({ partnerUserId: owner, smallcaseAuthId: account, broker: null, at: at() });
      const refused = event({ smallcaseAuthId: account });
      const outcome = await store.webhooks.recordOnce(refused, {
        link: { partnerUserId: intruder, smallcaseAuthId: account, broker: null, at: at() },
      });
      assert.deepEqual(outcome, { status: 'applied', linkOutcome: { status: 'account_in_use' } });
      assert.equal(await store.webhooks.isRecorded(refused.eventKey), true);
      assert.equal(await store.links.findByUser(intruder), undefined);
    });

    it('when an effect fails, neither the event nor any other effect is kept', async () => {
      const store = ref.current;
      const user = uniqueId('user');
      const transactionId = await ownedTransaction(store, user);
      const failing = event({ transactionId });
      const badLink = {
        partnerUserId: null as unknown as string,
        smallcaseAuthId: uniqueId('sc'),
        broker: null,
        at: at(),
      };
      await assert.rejects(
        store.webhooks.recordOnce(failing, {
          transactionUpdate: {
            transactionId,
            status: 'COMPLETED',
            smallcaseAuthId: null,
            broker: null,
            at: at(1),
          },
          link: badLink,
        }),
        StoreUnavailableError,
      );
      assert.equal(await store.webhooks.isRecorded(failing.eventKey), false);
      assert.equal((await store.transactions.findById(transactionId))?.status, 'INITIALIZED');
    });

    it('when the same event arrives ten times at once, it is applied exactly once', async () => {
      const store = ref.current;
      const same = event();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => store.webhooks.recordOnce(same, {})),
      );
      assert.equal(outcomes.filter((outcome) => outcome.status === 'applied').length, 1);
      assert.equal(outcomes.filter((outcome) => outcome.status === 'duplicate').length, 9);
      assert.equal(await store.webhooks.isRecorded(uniqueId('evt-unknown')), false);
    });

    it('keeps the newest holdings snapshot: an older one arriving late is ignored', async () => {
      const holdings = ref.current.holdings;
      const user = uniqueId('user');
      assert.equal(await holdings.latestFor(user), undefined);
      const snapshot = (data: unknown, offset: number) => ({
        partnerUserId: user,
        smallcaseAuthId: 'sc-h',
        data,
        snapshotAt: at(offset),
      });
      await holdings.save(snapshot({ version: 'middle' }, 10));
      await holdings.save(snapshot({ version: 'newest', values: [1.5, null, 'x'] }, 20));
      await holdings.save(snapshot({ version: 'oldest' }, 0));
      assert.deepEqual(
        await holdings.latestFor(user),
        snapshot({ version: 'newest', values: [1.5, null, 'x'] }, 20),
      );
    });
  });
}
