import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreRef } from '../store-contract.js';
import { at, uniqueId } from './unique-id.js';

export function describeLinkContract(ref: StoreRef): void {
  describe('links', () => {
    it('links a user, then finds the link by user and by account', async () => {
      const links = ref.current.links;
      const user = uniqueId('user');
      const account = uniqueId('sc');
      const outcome = await links.link({
        partnerUserId: user,
        smallcaseAuthId: account,
        broker: 'kite',
        at: at(),
      });
      assert.equal(outcome.status, 'linked');
      const expected = {
        partnerUserId: user,
        smallcaseAuthId: account,
        broker: 'kite',
        linkedAt: at(),
        updatedAt: at(),
      };
      assert.deepEqual(await links.findByUser(user), expected);
      assert.deepEqual(await links.findByAccount(account), expected);
      assert.equal(await links.findByUser(uniqueId('nobody')), undefined);
      assert.equal(await links.findByAccount(uniqueId('sc-nobody')), undefined);
    });

    it('linking the same account again is unchanged, refreshes the broker and keeps it when none is given', async () => {
      const links = ref.current.links;
      const user = uniqueId('user');
      const account = uniqueId('sc');
      await links.link({ partnerUserId: user, smallcaseAuthId: account, broker: 'kite', at: at() });
      const again = await links.link({
        partnerUserId: user,
        smallcaseAuthId: account,
        broker: 'groww',
        at: at(5),
      });
      assert.equal(again.status, 'unchanged');
      assert.equal(again.status === 'unchanged' && again.link.broker, 'groww');
      const noBroker = await links.link({
        partnerUserId: user,
        smallcaseAuthId: account,
        broker: null,
        at: at(9),
      });
      assert.equal(noBroker.status, 'unchanged');
      const stored = await links.findByUser(user);
      assert.equal(stored?.broker, 'groww');
      assert.deepEqual(stored?.linkedAt, at());
      assert.deepEqual(stored?.updatedAt, at(9));
    });

    it('refuses a second account for a linked user and a second user for a linked account', async () => {
      const links = ref.current.links;
      const [user, other, account] = [uniqueId('user'), uniqueId('user'), uniqueId('sc')];
      await links.link({ partnerUserId: user, smallcaseAuthId: account, broker: null, at: at() });
      const secondAccount = await links.link({
        partnerUserId: user,
        smallcaseAuthId: uniqueId('sc'),
        broker: null,
        at: at(),
      });
      assert.equal(secondAccount.status, 'user_already_linked');
      assert.equal(
        secondAccount.status === 'user_already_linked' && secondAccount.link.smallcaseAuthId,
        account,
      );
      const secondUser = await links.link({
        partnerUserId: other,
        smallcaseAuthId: account,
        broker: null,
        at: at(),
      });
      assert.deepEqual(secondUser, { status: 'account_in_use' });
      assert.equal((await links.findByAccount(account))?.partnerUserId, user);
      assert.equal(await links.findByUser(other), undefined);
    });

    it('unlink forgets the link once and frees the account for another user', async () => {
      const links = ref.current.links;
      const [user, other, account] = [uniqueId('user'), uniqueId('user'), uniqueId('sc')];
      await links.link({ partnerUserId: user, smallcaseAuthId: account, broker: null, at: at() });
      assert.equal(await links.unlink(user, at(1)), true);
      assert.equal(await links.unlink(user, at(2)), false);
      assert.equal(await links.findByUser(user), undefined);
      const relinked = await links.link({
        partnerUserId: other,
        smallcaseAuthId: account,
        broker: null,
        at: at(3),
      });
      assert.equal(relinked.status, 'linked');
    });

    it('when ten users link the same account at once, exactly one wins and the rest get account_in_use', async () => {
      const links = ref.current.links;
      const account = uniqueId('sc');
      const users = Array.from({ length: 10 }, () => uniqueId('racer'));
      const outcomes = await Promise.all(
        users.map((user) =>
          links.link({ partnerUserId: user, smallcaseAuthId: account, broker: null, at: at() }),
        ),
      );
      const winners = outcomes.flatMap((outcome, index) =>
        outcome.status === 'linked' ? [users[index]] : [],
      );
      assert.equal(winners.length, 1);
      assert.equal(outcomes.filter((outcome) => outcome.status === 'account_in_use').length, 9);
      assert.equal((await links.findByAccount(account))?.partnerUserId, winners[0]);
    });

    it('when one user links five accounts at once, one link is kept and the rest get user_already_linked', async () => {
      const links = ref.current.links;
      const user = uniqueId('user');
      const accounts = Array.from({ length: 5 }, () => uniqueId('sc'));
      const outcomes = await Promise.all(
        accounts.map((account) =>
          links.link({ partnerUserId: user, smallcaseAuthId: account, broker: null, at: at() }),
        ),
      );
      assert.equal(outcomes.filter((outcome) => outcome.status === 'linked').length, 1);
      assert.equal(outcomes.filter((outcome) => outcome.status === 'user_already_linked').length, 4);
      const kept = await links.findByUser(user);
      assert.ok(kept && accounts.includes(kept.smallcaseAuthId));
    });
  });
}
