import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { CANARY } from '../support/canaries.js';
import {
  EMULATED_GATEWAY,
  startTestEmulator,
  testGatewayClient,
  testMinter,
} from '../support/gateway-emulator.js';
import { rememberToken } from '../support/log-capture.js';
import { verifyHs256 } from '../support/verify-hs256.js';

type Json = Record<string, unknown>;

describe('the web SDK stand-in served by the emulator', () => {
  let emulator: RunningEmulator;
  let gateway: ReturnType<typeof testGatewayClient>;
  let clockSkewMs = 0;
  const guest = testMinter.mintGuest().smallcaseAuthToken;

  before(async () => {
    emulator = await startTestEmulator({ now: () => Date.now() + clockSkewMs });
    emulator.webhooks.configure({ url: 'http://127.0.0.1:9/webhooks', maxAttempts: 1 });
    gateway = testGatewayClient(emulator.url);
  });
  after(async () => {
    await gateway.close();
    await emulator.close();
  });

  const post = async (
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: Json; headers: Headers }> => {
    const response = await fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  };
  const createTransaction = async (intent = 'CONNECT', token = guest) => {
    const created = await gateway.createTransaction({ authToken: token, body: { intent } });
    return created.transactionId;
  };
  const stored = (transactionId: string) => emulator.state.transactions.get(transactionId);
  const start = (transactionId: string, token = guest, gatewayName = EMULATED_GATEWAY) =>
    post(`/__emulator/sdk/transactions/${transactionId}/start`, {
      gateway: gatewayName,
      smallcaseAuthToken: token,
    });

  it('serves scdk.js as JavaScript any page may load', async () => {
    const response = await fetch(`${emulator.url}/scdk.js`, {
      headers: { origin: 'https://partner.example' },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(await response.text(), /window\.scDK = scDK/);
  });

  it('serves the picker with a CSP that lets partner pages frame it and nothing else in', async () => {
    const response = await fetch(`${emulator.url}/__emulator/sdk/picker?transactionId=TRX_x`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors \*/);
    assert.match(await response.text(), /Choose your broker/);
  });

  it('checks the session like the Gateway: gateway name, signature and expiry', async () => {
    assert.deepEqual(
      (await post('/__emulator/sdk/session', { gateway: EMULATED_GATEWAY, smallcaseAuthToken: guest })).body,
      {
        status: 'ready',
      },
    );
    const wrongGateway = await post('/__emulator/sdk/session', {
      gateway: 'othergw',
      smallcaseAuthToken: guest,
    });
    assert.deepEqual(wrongGateway.body.error, { name: 'invalid_gateway', code: 100 });
    const forged = `${guest.slice(0, -4)}AAAA`;
    const badSignature = await post('/__emulator/sdk/session', {
      gateway: EMULATED_GATEWAY,
      smallcaseAuthToken: forged,
    });
    assert.deepEqual(badSignature.body.error, { name: 'invalid_jwt', code: 90 });
    clockSkewMs = 3_601_000;
    try {
      const expired = await post('/__emulator/sdk/session', {
        gateway: EMULATED_GATEWAY,
        smallcaseAuthToken: guest,
      });
      assert.deepEqual(
        expired.body.error,
        { name: 'invalid_jwt', code: 90 },
        'expired on the emulator clock',
      );
    } finally {
      clockSkewMs = 0;
    }
  });

  it('opens the picker for a fresh transaction, and refuses a second trigger of it (3001)', async () => {
    const id = await createTransaction();
    const first = await start(id);
    assert.equal(first.body.status, 'interactive');
    assert.equal(first.body.pickerPath, `/__emulator/sdk/picker?transactionId=${id}`);
    assert.equal(first.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual((await start(id)).body.error, { name: 'transaction_expired', code: 3001 });
    assert.deepEqual((await start('TRX_unknown')).body.error, { name: 'invalid_transactionId', code: 3002 });
  });

  it('completing CONNECT resolves with a connected token signed with the partner secret and fires the webhook', async () => {
    const id = await createTransaction();
    const queued = await post('/__emulator/sdk/next-outcome', { outcome: 'complete', broker: 'upstox' });
    assert.equal(queued.status, 200);
    const answer = await start(id);
    assert.equal(answer.body.status, 'resolved');
    const result = answer.body.result as Json;
    assert.equal(result.broker, 'upstox');
    assert.equal(result.transactionId, id);
    assert.equal(result.signup, false);
    const token = result.smallcaseAuthToken as string;
    rememberToken(token);
    const claims = verifyHs256(token, CANARY.gatewaySecret).payload;
    assert.match(String(claims.smallcaseAuthId), /^SCA_[0-9a-f]{16}$/);
    assert.deepEqual(Object.keys(claims).sort(), ['exp', 'iat', 'smallcaseAuthId']);
    assert.equal(stored(id)?.status, 'COMPLETED');
    assert.equal(stored(id)?.smallcaseAuthId, claims.smallcaseAuthId);
    const delivery = emulator.webhooks.deliveries.find((d) => d.payload.transactionId === id);
    assert.ok(delivery, 'the completion webhook was dispatched');
  });

  for (const [outcome, error] of [
    ['cancel', { name: 'user_cancelled', code: 1010 }],
    ['expire', { name: 'transaction_expired', code: 1005 }],
    ['error', { name: 'internal_error', code: 2000 }],
  ] as const) {
    it(`"${outcome}" rejects with ${error.name} (${error.code}) and leaves the transaction ERRORED`, async () => {
      const id = await createTransaction();
      await post('/__emulator/sdk/next-outcome', { outcome });
      assert.deepEqual((await start(id)).body, { status: 'rejected', error });
      assert.equal(stored(id)?.status, 'ERRORED');
    });
  }

  it('"error" may name another SDK error, and refuses names the SDK does not have', async () => {
    const id = await createTransaction();
    await post('/__emulator/sdk/next-outcome', { outcome: 'error', error: 'market_closed' });
    assert.deepEqual((await start(id)).body.error, { name: 'market_closed', code: 4004 });
    assert.equal(
      (await post('/__emulator/sdk/next-outcome', { outcome: 'error', error: 'nope' })).status,
      400,
    );
    assert.equal((await post('/__emulator/sdk/next-outcome', { outcome: 'teleport' })).status, 400);
  });

  it('a flow finished from the picker completes as the account that created the transaction', async () => {
    const connected = testMinter.mintConnected('SCA_owner').smallcaseAuthToken;
    emulator.state.accounts.set('SCA_owner', 'groww');
    const id = await createTransaction('HOLDINGS_IMPORT', connected);
    assert.equal((await start(id, connected)).body.status, 'interactive');
    const summary = (await (await fetch(`${emulator.url}/__emulator/sdk/transactions/${id}`)).json()) as Json;
    assert.equal(summary.broker, 'groww', 'the picker preselects the account broker');
    const finished = await post(`/__emulator/sdk/transactions/${id}/finish`, {
      outcome: 'complete',
      broker: 'groww',
    });
    assert.equal(finished.body.status, 'resolved');
    const token = (finished.body.result as Json).smallcaseAuthToken as string;
    rememberToken(token);
    assert.equal(verifyHs256(token, CANARY.gatewaySecret).payload.smallcaseAuthId, 'SCA_owner');
    const again = await post(`/__emulator/sdk/transactions/${id}/finish`, { outcome: 'cancel' });
    assert.deepEqual(again.body.error, { name: 'transaction_expired', code: 3001 }, 'a flow ends once');
  });

  it('a session of another account cannot run a transaction pinned to a linked account (user_mismatch)', async () => {
    const owner = testMinter.mintConnected('SCA_first').smallcaseAuthToken;
    const other = testMinter.mintConnected('SCA_second').smallcaseAuthToken;
    const id = await createTransaction('HOLDINGS_IMPORT', owner);
    assert.deepEqual((await start(id, other)).body.error, { name: 'user_mismatch', code: 1001 });
  });
});
