import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { readDateLike } from '../../src/gateway/gateway-dates.js';
import { createSuccessTokenVerifier } from '../../src/tokens/success-token-verifier.js';
import { CANARY } from '../support/canaries.js';
import { startTestEmulator, testMinter } from '../support/gateway-emulator.js';

describe('Gateway emulator fidelity: details shapes, date forms and lifetimes per kind', () => {
  const now = Date.UTC(2026, 10, 25, 10, 0);
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator({ now: () => now });
  });
  after(() => emulator.close());
  afterEach(async () => {
    await control('/shape', { details: 'flat', expireAt: 'iso' });
    await fetch(`${emulator.url}/__emulator/expiry`, { method: 'DELETE' });
  });

  const control = async (path: string, body: unknown) => {
    const res = await fetch(`${emulator.url}/__emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const gateway = async (path: string, token: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'x-gateway-secret': CANARY.gatewayApiSecret,
        'x-gateway-authtoken': token,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.equal(res.status, 200, path);
    return ((await res.json()) as { data: Record<string, unknown> }).data;
  };
  const create = (intent: string, token = testMinter.mintGuest().smallcaseAuthToken) =>
    gateway('/gateway/gatewaytest/transaction', token, { intent });
  const details = (transactionId: string) =>
    gateway(
      `/v1/gatewaytest/engine/transactiondetails?transactionId=${transactionId}`,
      testMinter.mintGuest().smallcaseAuthToken,
    );
  const completed = async () => {
    const { transactionId } = await create('CONNECT');
    const done = await control(`/transactions/${transactionId}/complete`, {
      smallcaseAuthId: 'SCA_shape',
      broker: 'zerodha',
    });
    assert.equal(done.status, 200);
    return details(String(transactionId));
  };

  it('answers details flat by default: smallcaseAuthId and broker at the top', async () => {
    const data = await completed();
    assert.equal(data.smallcaseAuthId, 'SCA_shape');
    assert.equal(data.broker, 'zerodha');
    assert.equal('authId' in data || 'success' in data, false);
  });

  it('answers details as the Gateway model (authId, meta.broker, numeric error codes) after /shape authid_meta', async () => {
    assert.deepEqual((await control('/shape', { details: 'authid_meta' })).body, {
      details: 'authid_meta',
      expireAt: 'iso',
    });
    const data = await completed();
    assert.equal(data.authId, 'SCA_shape');
    assert.deepEqual(data.meta, { broker: 'zerodha' });
    assert.equal('smallcaseAuthId' in data || 'broker' in data, false);
    const { transactionId } = await create('CONNECT');
    await control(`/transactions/${transactionId}/fail`, { code: 'user_cancelled', message: 'closed' });
    assert.deepEqual((await details(String(transactionId))).error, {
      value: 'user_cancelled',
      code: 1010,
      message: 'closed',
    });
  });

  it('answers details as the SDK success object after /shape success_token: the user only inside a verifiable token', async () => {
    await control('/shape', { details: 'success_token' });
    const pending = await details(String((await create('CONNECT')).transactionId));
    assert.equal(pending.success, null);
    const data = await completed();
    const success = data.success as Record<string, unknown>;
    assert.equal(success.broker, 'zerodha');
    assert.equal(success.signup, false);
    assert.equal('smallcaseAuthId' in success || 'authId' in data || 'smallcaseAuthId' in data, false);
    assert.equal(createSuccessTokenVerifier(CANARY.gatewaySecret)(success.smallcaseAuthToken), 'SCA_shape');
    const [, payload] = String(success.smallcaseAuthToken).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 3600, 'valid for one hour, as the docs sample');
  });

  it('writes expireAt in each date form /shape asks for', async () => {
    const expected = new Date(now + 5 * 60_000).toISOString();
    const forms: Array<[string, (value: unknown) => boolean]> = [
      ['iso', (value) => value === expected],
      ['epoch_ms', (value) => value === now + 5 * 60_000],
      ['epoch_s', (value) => value === (now + 5 * 60_000) / 1000],
      ['mongo_date', (value) => (value as { $date?: unknown }).$date === expected],
      ['unreadable', (value) => typeof value === 'string' && readDateLike(value) === undefined],
    ];
    for (const [form, check] of forms) {
      await control('/shape', { expireAt: form });
      const created = await create('CONNECT');
      assert.ok(check(created.expireAt), `${form}: ${JSON.stringify(created.expireAt)}`);
      assert.ok(check((await details(String(created.transactionId))).expireAt), `${form} in details`);
    }
    assert.equal((await control('/shape', { details: 'nested' })).status, 400);
  });

  it('gives each kind its lifetime: 5 minutes by default, 30 for ONBOARDING, 45 for SUBSCRIPTION, any set per intent', async () => {
    const lifetime = async (intent: string, token?: string) =>
      (Date.parse(String((await create(intent, token)).expireAt)) - now) / 60_000;
    assert.equal(await lifetime('CONNECT'), 5);
    assert.equal(await lifetime('HOLDINGS_IMPORT'), 5);
    assert.equal(await lifetime('ONBOARDING'), 30);
    assert.equal(await lifetime('SUBSCRIPTION', testMinter.mintConnected('SCA_sub').smallcaseAuthToken), 45);
    assert.equal((await control('/expiry', { intent: 'TRANSACTION', seconds: 900 })).status, 200);
    assert.equal(await lifetime('TRANSACTION'), 15);
    assert.equal((await control('/expiry', { intent: 'TRANSACTION', seconds: 0 })).status, 400);
  });
});
