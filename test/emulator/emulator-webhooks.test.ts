import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createEmulatorWebhooks } from '../../src/emulator/emulator-webhooks.js';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { CANARY } from '../support/canaries.js';
import { startTestEmulator, testMinter } from '../support/gateway-emulator.js';
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
    emulator.webhooks.configure({ url: receiver.url, backoffMs: 5, maxAttempts: 3 });
  });

  const createAndComplete = async (intent: string, token: string, account: string) => {
    const created = await fetch(`${emulator.url}/gateway/gatewaytest/transaction`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gateway-secret': CANARY.gatewayApiSecret,
        'x-gateway-authtoken': token,
      },
      body: JSON.stringify({ intent }),
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

  it('redelivers on non-2xx with backoff, and stops after the last allowed attempt', async () => {
    receiver.statuses.push(500, 503);
    await createAndComplete('CONNECT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_e1');
    assert.deepEqual(emulator.webhooks.deliveries.at(-1)?.attempts, [500, 503, 200]);
    assert.equal(emulator.webhooks.deliveries.at(-1)?.delivered, true);
    receiver.statuses.push(500, 500, 500, 500);
    await createAndComplete('CONNECT', testMinter.mintGuest().smallcaseAuthToken, 'SCA_e2');
    assert.deepEqual(emulator.webhooks.deliveries.at(-1)?.attempts, [500, 500, 500]);
    assert.equal(emulator.webhooks.deliveries.at(-1)?.delivered, false);
    const listed = await (await fetch(`${emulator.url}/__emulator/webhook-deliveries`)).json();
    assert.equal((listed as unknown[]).length, emulator.webhooks.deliveries.length);
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

    const standalone = createEmulatorWebhooks({ url: 'http://127.0.0.1:9/unreachable', backoffMs: 60_000 });
    standalone.dispatch({ hello: 'world' });
    await waitFor('the first delivery attempt', () => (standalone.deliveries[0]?.attempts.length ?? 0) > 0);
    standalone.close();
    await standalone.idle();
    assert.equal(standalone.deliveries[0]?.attempts.length, 1);
    assert.equal(standalone.deliveries[0]?.delivered, false);
  });
});
