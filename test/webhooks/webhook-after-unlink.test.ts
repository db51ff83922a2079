import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import request from 'supertest';
import type { GatewayTestApp } from '../support/gateway-test-app.js';
import { rememberToken } from '../support/log-capture.js';
import { servedGatewayTestApp } from './webhook-fixtures.js';

// Nothing listens on the discard port: deliveries there fail at once, as if the Gateway's first try was lost.
const NOWHERE = 'http://127.0.0.1:9/webhooks/smallcase';

describe('POST /webhooks/smallcase after the user unlinked', () => {
  const served = servedGatewayTestApp();
  const { outcomes } = served;
  let t: GatewayTestApp;
  before(() => {
    t = served.app;
  });

  /** Completes the transaction while its webhook is lost; returns that webhook, checksummed by the emulator. */
  const completeWithLostWebhook = async (transactionId: string, smallcaseAuthId: string) => {
    t.emulator.webhooks.configure({ url: NOWHERE, maxAttempts: 1 });
    await t.complete(transactionId, smallcaseAuthId);
    const lost = t.emulator.webhooks.deliveries.at(-1) ?? assert.fail('no webhook was sent');
    assert.equal(lost.delivered, false);
    assert.equal(lost.payload.transactionId, transactionId);
    return lost.payload;
  };
  const userType = async (userId: string) => {
    const res = await request(t.app).post('/auth-token').set(t.as(userId)).expect(200);
    rememberToken(res.body.smallcaseAuthToken);
    return res.body.userType as string;
  };
  const linkByHand = async (userId: string, transactionId: string) => {
    const res = await request(t.app).post('/link').set(t.as(userId)).send({ transactionId }).expect(200);
    rememberToken(res.body.smallcaseAuthToken);
    assert.equal(res.body.userType, 'connected');
  };
  const unlink = (userId: string) => request(t.app).delete('/link').set(t.as(userId)).expect(204);

  it('a late CONNECT webhook answers 200 and leaves the user who unlinked a guest', async () => {
    const transactionId = await t.create('u-late', { intent: 'CONNECT' });
    const lateWebhook = await completeWithLostWebhook(transactionId, 'SCA_u_late');
    await linkByHand('u-late', transactionId);
    await unlink('u-late');
    assert.equal(await userType('u-late'), 'guest');

    const res = await request(t.app).post('/webhooks/smallcase').send(lateWebhook).expect(200);
    assert.deepEqual(res.body, { received: true });
    assert.deepEqual(outcomes, ['applied'], 'recorded, so a redelivery is a duplicate');
    assert.equal(await userType('u-late'), 'guest');
    assert.equal(await t.store.links.findByAccount('SCA_u_late'), undefined);
    assert.equal((await t.store.transactions.findById(transactionId))?.status, 'COMPLETED');

    await request(t.app).post('/webhooks/smallcase').send(lateWebhook).expect(200);
    assert.deepEqual(outcomes, ['applied', 'duplicate']);
    assert.equal(await userType('u-late'), 'guest');
  });

  it('a late holdings import neither links the user who unlinked nor keeps a snapshot for them', async () => {
    const transactionId = await t.create('u-import', { intent: 'HOLDINGS_IMPORT', version: 'v2' });
    const lateWebhook = await completeWithLostWebhook(transactionId, 'SCA_u_import');
    await linkByHand('u-import', transactionId);
    await unlink('u-import');

    await request(t.app).post('/webhooks/smallcase').send(lateWebhook).expect(200);
    assert.deepEqual(outcomes, ['applied']);
    assert.equal(await userType('u-import'), 'guest');
    assert.equal(await t.store.holdings.latestFor('u-import'), undefined);
  });

  it('the user can still link by hand with the same transaction after the late webhook', async () => {
    const transactionId = await t.create('u-relink', { intent: 'CONNECT' });
    const lateWebhook = await completeWithLostWebhook(transactionId, 'SCA_u_relink');
    await linkByHand('u-relink', transactionId);
    await unlink('u-relink');
    await request(t.app).post('/webhooks/smallcase').send(lateWebhook).expect(200);
    assert.equal(await userType('u-relink'), 'guest');

    await linkByHand('u-relink', transactionId);
    assert.equal(await userType('u-relink'), 'connected');
  });

  it('the normal path still links: a CONNECT created after an earlier unlink is linked by its webhook', async () => {
    const first = await t.create('u-again', { intent: 'CONNECT' });
    await t.complete(first, 'SCA_u_again');
    assert.equal(await userType('u-again'), 'connected');
    await unlink('u-again');
    assert.equal(await userType('u-again'), 'guest');
    // The rule compares times to the millisecond: let the clock pass the unlink before creating anew.
    const unlinkedBy = Date.now();
    while (Date.now() <= unlinkedBy) await setImmediate();

    const second = await t.create('u-again', { intent: 'CONNECT' });
    await t.complete(second, 'SCA_u_again');
    assert.deepEqual(t.emulator.webhooks.deliveries.at(-1)?.attempts, [200]);
    assert.deepEqual(outcomes, ['applied', 'applied']);
    assert.equal(await userType('u-again'), 'connected');
  });
});
