import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { WebhookOutcome } from '../../src/observability/metrics.js';
import { CANARY } from '../support/canaries.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { capturedLogLines, rememberToken } from '../support/log-capture.js';
import { sign, webhookOutcomes } from '../webhooks/webhook-fixtures.js';

const iat = Math.floor(Date.now() / 1000);
const forgedToken = jwt.sign(
  { smallcaseAuthId: 'SCA_victim', iat, exp: iat + 3600 },
  'not-the-partner-secret',
);
const genuineVictimToken = jwt.sign(
  { smallcaseAuthId: 'SCA_victim', iat, exp: iat + 3600 },
  createSecretKey(Buffer.from(CANARY.gatewaySecret)),
);

describe('transaction details that must link nobody: a bad success token, or two users named', () => {
  let t: GatewayTestApp;
  let outcomes: WebhookOutcome[];
  before(async () => {
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = await buildGatewayTestApp({ deps: { metrics: observed.metrics } });
    rememberToken(forgedToken);
    rememberToken(genuineVictimToken);
  });
  after(() => t.close());

  /** A completed transaction of `userId` whose next details read answers `details` instead. */
  const completedAnswering = async (userId: string, details: (transactionId: string) => unknown) => {
    const transactionId = await t.create(userId, { intent: 'CONNECT' });
    await t.complete(transactionId, `SCA_${userId}`);
    await t.fault({ kind: 'answer', data: details(transactionId) });
    return transactionId;
  };
  const cases: Array<[string, (transactionId: string) => unknown]> = [
    [
      'a success token signed with another secret',
      (transactionId) => ({
        transactionId,
        status: 'COMPLETED',
        success: { smallcaseAuthToken: forgedToken, broker: 'kite', transactionId, signup: false },
      }),
    ],
    [
      'the flat id and the success token naming different users',
      (transactionId) => ({
        transactionId,
        status: 'COMPLETED',
        smallcaseAuthId: 'SCA_someone',
        success: { smallcaseAuthToken: genuineVictimToken, broker: 'kite' },
      }),
    ],
    [
      'authId and the flat id naming different users',
      (transactionId) => ({ transactionId, status: 'COMPLETED', smallcaseAuthId: 'SCA_a', authId: 'SCA_b' }),
    ],
  ];

  cases.forEach(([what, details], index) => {
    it(`POST /link with ${what}: 502 gateway_error, nobody linked, the token never logged`, async () => {
      const userId = `bad-details-${index}`;
      const transactionId = await completedAnswering(userId, details);
      const res = await request(t.app).post('/link').set(t.as(userId)).send({ transactionId });
      assert.equal(res.status, 502);
      assert.equal(res.body.code, 'gateway_error');
      assert.doesNotMatch(JSON.stringify(res.body), /eyJ/);
      assert.equal(await t.store.links.findByUser(userId), undefined);
      assert.equal(await t.store.links.findByAccount('SCA_victim'), undefined);
      assert.ok(capturedLogLines().some((line) => line.includes('"code":"gateway_error"')));
    });
  });

  it('a webhook for a transaction whose details carry a bad token: 502, nothing recorded, nobody linked', async () => {
    const [, details] = cases[0] ?? assert.fail();
    const transactionId = await completedAnswering('bad-details-webhook', details);
    const body = sign({ smallcaseAuthId: 'SCA_bad-details-webhook', transactionId });
    const res = await request(t.app).post('/webhooks/smallcase').send(body);
    assert.equal(res.status, 502);
    assert.deepEqual(outcomes, ['failed']);
    assert.equal(await t.store.links.findByUser('bad-details-webhook'), undefined);
    await request(t.app).post('/webhooks/smallcase').send(body).expect(200);
    assert.equal(
      (await t.store.links.findByUser('bad-details-webhook'))?.smallcaseAuthId,
      'SCA_bad-details-webhook',
      'the redelivery, read from the now sane Gateway, links as usual',
    );
  });
});
