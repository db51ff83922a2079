import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { rememberToken } from '../support/log-capture.js';
import {
  dropTestSchema,
  freshSchemaName,
  SKIP_WITHOUT_POSTGRES,
  TEST_DATABASE_URL,
} from '../support/postgres-test-schema.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

describe('/auth-token when PostgreSQL stops answering', { skip: SKIP_WITHOUT_POSTGRES }, () => {
  const url = new URL(TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test');
  const schema = freshSchemaName();
  let proxy: TcpProxy;
  let store: Store;
  let testApp: TestApp;

  before(async () => {
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    store = await createPostgresStore({ url: viaProxy.toString(), schema });
    testApp = buildTestApp({ deps: { store } });
  });
  after(async () => {
    await proxy.close();
    await store.close();
    await testApp.close();
    await dropTestSchema(url.toString(), schema);
  });

  it('answers 503 store_unavailable with Retry-After within about 2 s and mints no token', async () => {
    const session = bearer(testApp.session('user-during-outage'));
    const healthy = await request(testApp.app).post('/auth-token').set(session).expect(200);
    rememberToken(healthy.body.smallcaseAuthToken);

    proxy.blackhole();
    const started = Date.now();
    const response = await request(testApp.app).post('/auth-token').set(session);
    const elapsedMs = Date.now() - started;

    assert.equal(response.status, 503);
    assert.equal(response.body.code, 'store_unavailable');
    assert.ok(Number(response.headers['retry-after']) > 0, 'Retry-After is set');
    assert.equal(response.body.smallcaseAuthToken, undefined);
    assert.equal(JSON.stringify(response.body).includes('eyJ'), false, 'no JWT anywhere in the body');
    assert.ok(elapsedMs < 2500, `answered after ${elapsedMs} ms`);
  });

  it('reports not ready while the database does not answer, and stays alive', async () => {
    await request(testApp.app).get('/readyz').expect(503);
    await request(testApp.app).get('/healthz').expect(200);
  });
});
