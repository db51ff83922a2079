import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GATEWAY_REDELIVERY_SCHEDULE_MS, redeliveryWaitsMs } from '../../src/emulator/emulator-redelivery.js';
import { createEmulatorWebhooks } from '../../src/emulator/emulator-webhooks.js';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { CANARY } from '../support/canaries.js';
import { startTestEmulator, TEST_REDELIVERY_SPEEDUP, testMinter } from '../support/gateway-emulator.js';
import { waitFor } from '../support/wait-for.js';

/** A receiver answering the queued statuses in turn (200 once they run out). */
async function startReceiver() {
  const statuses: number[] = [];
  const received: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      received.push(JSON.parse(text));
      res.statusCode = statuses.shift() ?? 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    statuses,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('emulator completion webhooks', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let emulator: RunningEmulator;
  before(async () => {
    receiver = await startReceiver();
    emulator = await startTestEmulator();
  });
  after(async () => {
    await emulator.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.splice(0);
    receiver.statuses.splice(0);
    emulator.webhooks.configure({ url: receiver.url, urls: {}, speedUp: TEST_REDELIVERY_SPEEDUP });
  });

  const createAndComplete = async (
    intent: string,
    token: string,
    account: string,
    extra: Record<string, unknown> = {},
  ) => {
    const created = await fetch(`${emulator.url}/gateway/gatewaytest/transaction`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gateway-secret': CANARY.gatewayApiSecret,
        'x-gateway-authtoken': token,
      },
      body: JSON.stringify({ intent, ...extra }),
    });
    const { data } = (await created.json()) as { data: { transactionId: string } };
    await fetch(`${emulator.url}/__emulator/transactions/${data.transactionId}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ smallcaseAuthId: account }),
    });
    await emulator.webhooks.idle();
    return data.transactionId;
  };
  const hmac = (message: string) =>
    createHmac('sha256', CANARY.gatewayApiSecret).update(message).digest('hex');

  it('redelivers on the Gateway schedule (15 min, 24 h, 48 h, sped up), then gives up', async () => {
    const sped = GATEWAY_REDELIVERY_SCHEDULE_MS.map((ms) => Math.round(ms / TEST_REDELIVERY_SPEEDUP));
    receiver.statuses.push(500, 503);
    await createAndComplete('CONNECT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_e1');
    const recovered = emulator.webhooks.deliveries.at(-1);
    assert.deepEqual(recovered?.attempts, [500, 503, 200]);
    assert.deepEqual(recovered?.waitsMs, sped.slice(0, 2));
    assert.equal(recovered?.delivered, true);
    assert.deepEqual(
      receiver.received[2],
      receiver.received[0],
      'a redelivery repeats the payload, timestamp too',
    );

    receiver.statuses.push(500, 500, 500, 500, 500);
    await createAndComplete('CONNECT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_e2');
    const lost = emulator.webhooks.deliveries.at(-1);
    assert.deepEqual(lost?.attempts, [500, 500, 500, 500], 'the first try and three retries');
    assert.deepEqual(lost?.waitsMs, sped);
    assert.equal(lost?.delivered, false);
    const listed = await (await fetch(`${emulator.url}/__emulator/webhook-deliveries`)).json();
    assert.equal((listed as unknown[]).length, emulator.webhooks.deliveries.length);
  });

  it('computes the real waits by default and divides them by the speed-up', () => {
    assert.deepEqual(redeliveryWaitsMs(), [900_000, 86_400_000, 172_800_000]);
    assert.deepEqual(redeliveryWaitsMs({ speedUp: 60 }), [15_000, 1_440_000, 2_880_000]);
    assert.deepEqual(redeliveryWaitsMs({ maxAttempts: 2 }), [900_000]);
    assert.throws(() => redeliveryWaitsMs({ speedUp: 0.5 }), /speedUp/);
  });

  it('sends each event kind to its own postback URL when one is set, else to the default', async () => {
    const other = await startReceiver();
    try {
      const set = await fetch(`${emulator.url}/__emulator/webhook-target`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ urls: { holdings: other.url, orders: other.url } }),
      });
      assert.equal(set.status, 200);
      await createAndComplete('HOLDINGS_IMPORT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_k1');
      await createAndComplete('CONNECT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_k2');
      await createAndComplete('TRANSACTION', testMinter.mintGuest().smallcaseAuthToken, 'SCA_k3', {
        orderConfig: { type: 'SECURITIES', securities: [{ ticker: 'INFY' }] },
      });
      await createAndComplete(
        'TRANSACTION',
        testMinter.mintConnected('SCA_k4').smallcaseAuthToken,
        'SCA_k4',
        {
          orderConfig: { type: 'INVESTMORE', scid: 'SCMO_0002' },
        },
      );
      assert.deepEqual(
        emulator.webhooks.deliveries.slice(-4).map((d) => [d.kind, d.url === other.url]),
        [
          ['holdings', true],
          ['events', false],
          ['orders', true],
          ['smtOrders', false],
        ],
      );
      assert.equal(other.received.length, 2);
      const refused = await fetch(`${emulator.url}/__emulator/webhook-target`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ urls: { nonsense: other.url } }),
      });
      assert.equal(refused.status, 400);
    } finally {
      await other.close();
    }
  });

  it('signs MF imports over timestamp + transactionId, with no smallcaseAuthId in the payload', async () => {
    const connected = testMinter.mintConnected('SCA_mf').smallcaseAuthToken;
    const transactionId = await createAndComplete('MF_HOLDINGS_IMPORT', connected, 'SCA_mf');
    const [payload] = receiver.received;
    assert.ok(payload);
    assert.equal(payload.smallcaseAuthId, undefined);
    assert.equal(payload.intent, 'MF_HOLDINGS_IMPORT');
    assert.equal(payload.checksum, hmac(`${payload.timestamp}${transactionId}`));
  });

  it('sends holdings with a holdings import, signed over timestamp + smallcaseAuthId', async () => {
    await createAndComplete('HOLDINGS_IMPORT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_h');
    const [payload] = receiver.received;
    assert.ok(payload);
    assert.equal(payload.smallcaseAuthId, 'SCA_h');
    assert.ok(Array.isArray(payload.securities));
    assert.equal(payload.checksum, hmac(`${payload.timestamp}SCA_h`));
  });

  it('sends nothing without a target, and close() abandons pending redeliveries', async () => {
    emulator.webhooks.configure({ url: undefined });
    const before = emulator.webhooks.deliveries.length;
    await createAndComplete('CONNECT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_none');
    assert.equal(emulator.webhooks.deliveries.length, before);

    const standalone = createEmulatorWebhooks({ url: 'http://127.0.0.1:9/unreachable' });
    standalone.dispatch({ hello: 'world' });
    await waitFor('the first delivery attempt', () => (standalone.deliveries[0]?.attempts.length ?? 0) > 0);
    standalone.close();
    await standalone.idle();
    assert.equal(standalone.deliveries[0]?.attempts.length, 1);
    assert.equal(standalone.deliveries[0]?.delivered, false);
  });
});
