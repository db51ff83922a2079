import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HoldingsSnapshot, Store, WebhookEvent, WebhookLink } from '../../../src/store/store.js';
import type { StoreRef } from '../store-contract.js';
import { at, uniqueId } from './unique-id.js';

// Times in seconds after the base: the transaction is created at CREATED, the webhook arrives at ARRIVED.
const CREATED = 10;
const ARRIVED = 100;

function event(): WebhookEvent {
  return {
    eventKey: uniqueId('evt'),
    kind: 'transaction',
    transactionId: null,
    smallcaseAuthId: null,
    receivedAt: at(ARRIVED),
    payload: { late: true },
  };
}

function webhookLink(user: string, account: string, broker: string | null = 'late-broker'): WebhookLink {
  return {
    partnerUserId: user,
    smallcaseAuthId: account,
    broker,
    at: at(ARRIVED),
    notUnlinkedSince: at(CREATED),
  };
}

function snapshot(user: string, account: string): HoldingsSnapshot {
  return { partnerUserId: user, smallcaseAuthId: account, data: { late: true }, snapshotAt: at(ARRIVED) };
}

/** Links the user at `linkedAt` and unlinks them at `unlinkedAt` (seconds after the base). */
async function linkThenUnlink(
  store: Store,
  user: string,
  account: string,
  linkedAt: number,
  unlinkedAt: number,
) {
  await store.links.link({ partnerUserId: user, smallcaseAuthId: account, broker: 'kite', at: at(linkedAt) });
  assert.equal(await store.links.unlink(user, at(unlinkedAt)), true);
}

export function describeWebhookUnlinkGuardContract(ref: StoreRef): void {
  describe('webhook links after an unlink', () => {
    it('a user who unlinked after the transaction was created is not linked again by its webhook', async () => {
      const store = ref.current;
      const [user, account] = [uniqueId('user'), uniqueId('sc')];
      await linkThenUnlink(store, user, account, CREATED + 5, CREATED + 10);
      const late = event();
      const outcome = await store.webhooks.recordOnce(late, {
        link: webhookLink(user, account),
        holdingsSnapshot: snapshot(user, account),
      });
      assert.deepEqual(outcome, { status: 'applied', linkOutcome: { status: 'unlinked_since' } });
      assert.equal(await store.webhooks.isRecorded(late.eventKey), true);
      assert.equal(await store.links.findByUser(user), undefined);
      assert.equal(await store.links.findByAccount(account), undefined);
      assert.equal(await store.holdings.latestFor(user), undefined, 'no snapshot for a user who unlinked');

      // The user's own link (POST /link) is not guarded.
      const own = await store.links.link({
        partnerUserId: user,
        smallcaseAuthId: account,
        broker: null,
        at: at(200),
      });
      assert.equal(own.status, 'linked');
    });

    it('an unlink at the very time the transaction was created also counts', async () => {
      const store = ref.current;
      const [user, account] = [uniqueId('user'), uniqueId('sc')];
      await linkThenUnlink(store, user, account, 0, CREATED);
      const outcome = await store.webhooks.recordOnce(event(), { link: webhookLink(user, account) });
      assert.deepEqual(outcome, { status: 'applied', linkOutcome: { status: 'unlinked_since' } });
      assert.equal(await store.links.findByUser(user), undefined);
    });

    it("an unlink before the transaction was created, or another user's unlink, does not stop the link", async () => {
      const store = ref.current;
      const [user, account] = [uniqueId('user'), uniqueId('sc')];
      const [other, otherAccount] = [uniqueId('user'), uniqueId('sc')];
      await linkThenUnlink(store, user, account, 0, CREATED - 1);
      await linkThenUnlink(store, other, otherAccount, CREATED + 1, CREATED + 2);
      const outcome = await store.webhooks.recordOnce(event(), {
        link: webhookLink(user, account),
        holdingsSnapshot: snapshot(user, account),
      });
      assert.equal(outcome.status === 'applied' && outcome.linkOutcome?.status, 'linked');
      assert.equal((await store.links.findByUser(user))?.broker, 'late-broker');
      assert.deepEqual((await store.holdings.latestFor(user))?.data, { late: true });
    });

    it('a user who unlinked and linked again by hand keeps that link as it is', async () => {
      const store = ref.current;
      const [user, account] = [uniqueId('user'), uniqueId('sc')];
      await linkThenUnlink(store, user, account, CREATED + 1, CREATED + 2);
      await store.links.link({
        partnerUserId: user,
        smallcaseAuthId: account,
        broker: 'groww',
        at: at(CREATED + 3),
      });
      const outcome = await store.webhooks.recordOnce(event(), {
        link: webhookLink(user, account, 'stale-broker'),
        holdingsSnapshot: snapshot(user, account),
      });
      assert.deepEqual(outcome, { status: 'applied', linkOutcome: { status: 'unlinked_since' } });
      const link = await store.links.findByUser(user);
      assert.equal(link?.broker, 'groww', 'the old notification does not refresh the broker');
      assert.deepEqual(link?.updatedAt, at(CREATED + 3));
      assert.deepEqual(
        (await store.holdings.latestFor(user))?.data,
        { late: true },
        'the user holds that account now, so its snapshot is kept',
      );
    });

    it('keeps a holdings snapshot only for the user who holds its account once the link is applied', async () => {
      const store = ref.current;
      const [owner, latecomer, account] = [uniqueId('user'), uniqueId('user'), uniqueId('sc')];
      await store.links.link({ partnerUserId: owner, smallcaseAuthId: account, broker: null, at: at() });
      const outcome = await store.webhooks.recordOnce(event(), {
        link: webhookLink(latecomer, account),
        holdingsSnapshot: snapshot(latecomer, account),
      });
      assert.deepEqual(outcome, { status: 'applied', linkOutcome: { status: 'account_in_use' } });
      assert.equal(await store.holdings.latestFor(latecomer), undefined);
    });
  });
}
