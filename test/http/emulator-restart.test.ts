import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { rememberToken } from '../support/log-capture.js';

/**
 * `npm start` in development runs the emulator in-process; a restart empties its memory while the
 * SQLite file keeps the service's own transaction records. Simulated here with a second app over
 * the first one's store and a fresh emulator, as main.ts wires it (`emulatorStartedAt`).
 */
describe('a development service restarted with a fresh in-process emulator', () => {
  let firstRun: GatewayTestApp;
  let restarted: GatewayTestApp;
  let stale: string;
  before(async () => {
    firstRun = await buildGatewayTestApp();
    stale = await firstRun.create('r-user', { intent: 'CONNECT' });
    await firstRun.complete(stale, 'SCA_restart');
    restarted = await buildGatewayTestApp({
      deps: { store: firstRun.store, emulatorStartedAt: new Date() },
    });
  });
  after(async () => {
    await restarted.close();
    await firstRun.close();
  });

  const forgotten = (res: request.Response) => {
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'not_found');
    assert.match(res.body.detail, /before the development Gateway emulator last started/);
    assert.match(res.body.detail, /Create a new transaction/);
  };

  it('answers GET /transactions/:id of an earlier run with a 404 that says the emulator restarted, asking nothing upstream', async () => {
    restarted.emulator.state.requests.splice(0);
    forgotten(await request(restarted.app).get(`/transactions/${stale}`).set(restarted.as('r-user')));
    assert.equal(restarted.emulator.state.requests.length, 0);
  });

  it('answers POST /link with it the same way and leaves the user a guest', async () => {
    forgotten(
      await request(restarted.app).post('/link').set(restarted.as('r-user')).send({ transactionId: stale }),
    );
    assert.equal(await restarted.store.links.findByUser('r-user'), undefined);
  });

  it('still keeps other users out with the plain 404', async () => {
    const res = await request(restarted.app).get(`/transactions/${stale}`).set(restarted.as('r-other'));
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.body.detail, /emulator/);
  });

  it('serves transactions created since the restart as usual, up to a link', async () => {
    const fresh = await restarted.create('r-user', { intent: 'CONNECT' });
    await restarted.complete(fresh, 'SCA_restart');
    const details = await request(restarted.app).get(`/transactions/${fresh}`).set(restarted.as('r-user'));
    assert.equal(details.status, 200);
    assert.equal(details.body.status, 'COMPLETED');
    const linked = await request(restarted.app)
      .post('/link')
      .set(restarted.as('r-user'))
      .send({ transactionId: fresh });
    assert.equal(linked.status, 200);
    rememberToken(linked.body.smallcaseAuthToken);
  });
});

describe('a Gateway that does not know a transaction, when it is not the in-process emulator', () => {
  let t: GatewayTestApp;
  before(async () => {
    t = await buildGatewayTestApp();
  });
  after(() => t.close());

  it('is still reported as the Gateway refusing (502 gateway_error with its message)', async () => {
    const id = await t.create('r-real', { intent: 'CONNECT' });
    t.emulator.state.transactions.clear();
    const res = await request(t.app).get(`/transactions/${id}`).set(t.as('r-real'));
    assert.equal(res.status, 502);
    assert.equal(res.body.code, 'gateway_error');
    assert.match(res.body.detail, /TransactionIdNotFound/);
  });
});
