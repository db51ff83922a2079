import assert from 'node:assert/strict';
import { createHmac, createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createGatewayEmulator, type RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { CANARY } from '../support/canaries.js';
import { startTestEmulator, testMinter } from '../support/gateway-emulator.js';

const key = createSecretKey(Buffer.from(CANARY.gatewaySecret));
const sign = (payload: object, options: jwt.SignOptions = {}) =>
  jwt.sign(payload, key, { algorithm: 'HS256', ...options });

describe('Gateway emulator', () => {
  let now = Date.now();
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator({ now: () => now });
  });
  after(() => emulator.close());

  const call = (
    path: string,
    token: string,
    init: { method?: string; body?: unknown; secret?: string } = {},
  ) =>
    fetch(`${emulator.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'x-gateway-secret': init.secret ?? CANARY.gatewayApiSecret,
        'x-gateway-authtoken': token,
        'content-type': 'application/json',
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const control = (path: string, body: unknown) =>
    fetch(`${emulator.url}/__emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const createConnect = async () => {
    const res = await call('/gateway/gatewaytest/transaction', testMinter.mintGuest().smallcaseAuthToken, {
      method: 'POST',
      body: { intent: 'CONNECT' },
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { data: { transactionId: string } }).data.transactionId;
  };

  it('refuses JWTs that are wrongly signed, carry extra claims, are expired or unsigned', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const bad = [
      jwt.sign({ guest: true }, 'another-secret', { algorithm: 'HS256' }),
      sign({ guest: true, sub: 'x' }),
      sign({ guest: false }),
      sign({ smallcaseAuthId: 'abc', guest: true }),
      sign({ guest: true, iat: iat - 100, exp: iat - 10 }),
      jwt.sign({ guest: true }, null, { algorithm: 'none' }),
      'not-a-jwt',
    ];
    for (const token of bad) {
      const res = await call('/v1/gatewaytest/engine/smallcases', token);
      assert.equal(res.status, 401, token);
      assert.deepEqual(await res.json(), {
        success: false,
        errors: ['Invalid JWT'],
        data: null,
        errorType: 'AccessDenied',
      });
    }
    assert.equal(
      (await call('/v1/gatewaytest/engine/smallcases', sign({ guest: true, iat, exp: iat + 60 }))).status,
      200,
    );
    assert.equal(
      (await call('/v1/gatewaytest/engine/smallcases', sign({ smallcaseAuthId: 'SC1' }))).status,
      200,
    );
  });

  it('refuses a wrong x-gateway-secret and an unknown gateway name', async () => {
    const token = testMinter.mintGuest().smallcaseAuthToken;
    assert.equal((await call('/v1/gatewaytest/engine/smallcases', token, { secret: 'nope' })).status, 401);
    assert.equal((await call('/v1/othergateway/engine/smallcases', token)).status, 400);
  });

  it('completes a transaction once, and only before it expires after five minutes', async () => {
    const first = await createConnect();
    assert.match(first, /^TRX_[0-9a-f]{32}$/);
    assert.equal(
      (await control(`/transactions/${first}/complete`, { smallcaseAuthId: 'SCA1', broker: 'kite' })).status,
      200,
    );
    assert.equal((await control(`/transactions/${first}/complete`, { smallcaseAuthId: 'SCA1' })).status, 409);
    const details = await call(
      `/v1/gatewaytest/engine/transactiondetails?transactionId=${first}`,
      testMinter.mintGuest().smallcaseAuthToken,
    );
    const body = (await details.json()) as { data: Record<string, unknown> };
    assert.equal(body.data.status, 'COMPLETED');
    assert.equal(body.data.smallcaseAuthId, 'SCA1');
    assert.equal(body.data.broker, 'kite');
    const otherUser = await call(
      `/v1/gatewaytest/engine/transactiondetails?transactionId=${first}`,
      testMinter.mintConnected('SCA2').smallcaseAuthToken,
    );
    assert.equal(otherUser.status, 403);

    const second = await createConnect();
    now += 5 * 60 * 1000;
    assert.equal(
      (await control(`/transactions/${second}/complete`, { smallcaseAuthId: 'SCA1' })).status,
      409,
    );
    assert.equal((await control(`/transactions/${second}/fail`, {})).status, 200);
  });

  it('serves v2 holdings only to connected tokens', async () => {
    const guest = await call(
      '/v1/gatewaytest/engine/user/holdings?version=v2',
      testMinter.mintGuest().smallcaseAuthToken,
    );
    assert.equal(guest.status, 403);
    const connected = await call(
      '/v1/gatewaytest/engine/user/holdings?version=v2',
      testMinter.mintConnected('SCA9').smallcaseAuthToken,
    );
    const body = (await connected.json()) as { data: { smallcaseAuthId: string; securities: unknown[] } };
    assert.equal(body.data.smallcaseAuthId, 'SCA9');
    assert.ok(body.data.securities.length > 0);
  });

  it('fires a webhook whose checksum is the HMAC of timestamp and smallcaseAuthId', async () => {
    const received: Record<string, unknown>[] = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => {
        text += chunk;
      });
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.setHeader('content-type', 'application/json');
        res.end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      const res = await control('/webhooks', {
        url: `http://127.0.0.1:${port}/webhooks/smallcase`,
        smallcaseAuthId: 'SCA7',
        timestamp: 1700000000,
      });
      assert.equal(res.status, 200);
      const [payload] = received;
      assert.ok(payload);
      const expected = createHmac('sha256', CANARY.gatewayApiSecret).update('1700000000SCA7').digest('hex');
      assert.equal(payload.checksum, expected);
      assert.equal(payload.timestamp, 1700000000);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('refuses to exist when NODE_ENV=production', () => {
    assert.throws(
      () =>
        createGatewayEmulator({
          gatewayName: 'g',
          gatewaySecret: 's',
          apiSecret: 'a',
          env: { NODE_ENV: 'production' },
        }),
      /NODE_ENV=production/,
    );
  });
});
