import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';
import { bearer } from '../support/test-app.js';

const TRICKS = [
  '/engine/user/holdings/../../transactiondetails?transactionId=TRX_1',
  '/engine/../engine/smallcases',
  '/engine/smallcases/..',
  '/engine/%2e%2e/transactiondetails',
  '/engine/%2E%2E%2Ftransactiondetails',
  '/engine/user%2Fholdings',
  '/engine/user%2fholdings',
  '/engine//evil.example/smallcases',
  '/engine/%2F%2Fevil.example/smallcases',
  '/engine/user\\holdings',
  '/engine/user%5Choldings',
  '/engine/smallcases%00',
  '/engine/smallcases%0d%0aX-Injected:%201',
  '/engine/smallcases/',
  '/engine/SMALLCASES',
  '/engine/smallcases;x=1',
  '/engine/transactiondetails?transactionId=TRX_1',
  '/engine/user/holdings%3Fversion=v2',
  '/engine/',
  '/engine',
];

describe('GET /engine/*path', () => {
  let t: GatewayTestApp;
  let server: Server;
  // Sent with node:http so that the path reaches the app byte for byte (no client-side URL clean-up).
  const rawGet = (path: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  before(async () => {
    t = await buildGatewayTestApp();
    server = createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await t.store.links.link({
      partnerUserId: 'e-linked',
      smallcaseAuthId: 'SCA_e',
      broker: 'kite',
      at: new Date(),
    });
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });
  beforeEach(() => t.emulator.state.reset());
  const auth = () => bearer(t.session('e-linked'));

  it('passes an allow-listed read path through with its query string', async () => {
    const res = await request(t.app).get('/engine/smallcases?count=1').set(auth()).expect(200);
    assert.equal(res.body.smallcases.length, 1);
    const profile = await request(t.app).get('/engine/smallcase?scid=SCAW_0001').set(auth()).expect(200);
    assert.equal(profile.body.scid, 'SCAW_0001');
    await request(t.app).get('/engine/market/news?scids%5B%5D=SCMO_0002&count=2').set(auth()).expect(200);
    assert.deepEqual(
      t.emulator.state.requests.map((r) => r.url),
      [
        '/v1/gatewaytest/engine/smallcases?count=1',
        '/v1/gatewaytest/engine/smallcase?scid=SCAW_0001',
        '/v1/gatewaytest/engine/market/news?scids%5B%5D=SCMO_0002&count=2',
      ],
    );
  });

  for (const trick of TRICKS) {
    it(`never lets ${JSON.stringify(trick)} reach the Gateway`, async () => {
      const status = await rawGet(trick, auth());
      assert.ok(status === 404 || status === 400, `status ${status}`);
      assert.equal(t.emulator.state.requests.length, 0);
    });
  }

  it('only answers GET and only with a partner session', async () => {
    await request(t.app).post('/engine/smallcases').set(auth()).send({}).expect(404);
    await request(t.app).get('/engine/smallcases').expect(401);
    assert.equal(t.emulator.state.requests.length, 0);
  });

  it('answers a guest on user/* with 409 broker_not_linked, without an upstream call', async () => {
    const guest = bearer(t.session('e-guest'));
    for (const path of ['/engine/user/holdings', '/engine/user/investments']) {
      const res = await request(t.app).get(path).set(guest).expect(409);
      assert.equal(res.body.code, 'broker_not_linked');
    }
    await request(t.app).get('/engine/smallcases').set(guest).expect(200);
    assert.deepEqual(
      t.emulator.state.requests.map((r) => r.url),
      ['/v1/gatewaytest/engine/smallcases'],
    );
  });

  it('refuses a transactionId query on any allow-listed path: transactions are read with an owner check only', async () => {
    const wide = await buildGatewayTestApp({ env: { GATEWAY_ENGINE_PATHS: 'orders/sst,smallcases' } });
    try {
      const session = bearer(wide.session('e-wide'));
      for (const query of [
        'transactionId=TRX_other',
        'TRANSACTIONID=TRX_other',
        'count=1&transactionid=TRX_x',
      ]) {
        const res = await request(wide.app).get(`/engine/orders/sst?${query}`).set(session).expect(400);
        assert.equal(res.body.code, 'invalid_request', query);
      }
      await request(wide.app).get('/engine/smallcases?transactionId=TRX_other').set(session).expect(400);
      assert.equal(wide.emulator.state.requests.length, 0);
    } finally {
      await wide.close();
    }
  });

  it('honours a narrower GATEWAY_ENGINE_PATHS allow-list', async () => {
    const narrow = await buildGatewayTestApp({ env: { GATEWAY_ENGINE_PATHS: 'market/news' } });
    try {
      const session = bearer(narrow.session('e-narrow'));
      await request(narrow.app).get('/engine/smallcases').set(session).expect(404);
      await request(narrow.app).get('/engine/market/news').set(session).expect(200);
      assert.equal(narrow.emulator.state.requests.length, 1);
    } finally {
      await narrow.close();
    }
  });
});
