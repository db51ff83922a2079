import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { buildTestApp } from '../support/test-app.js';

describe('/healthz and /readyz', () => {
  it('reports live and ready with an open store, then ready 503 (still live) once the store is closed', async () => {
    const testApp = buildTestApp();
    try {
      const live = await request(testApp.app).get('/healthz').expect(200);
      assert.deepEqual(live.body, { status: 'ok' });
      assert.equal(live.headers['cache-control'], 'no-store');
      await request(testApp.app).get('/readyz').expect(200);

      await testApp.store.close();
      const notReady = await request(testApp.app).get('/readyz');
      assert.equal(notReady.status, 503);
      assert.ok(notReady.headers['x-request-id']);
      await request(testApp.app).get('/healthz').expect(200);
    } finally {
      await testApp.close();
    }
  });

  it('reports not ready while the service is not accepting traffic', async () => {
    let accepting = false;
    const testApp = buildTestApp({ deps: { readiness: { isAcceptingTraffic: () => accepting } } });
    try {
      await request(testApp.app).get('/readyz').expect(503);
      accepting = true;
      await request(testApp.app).get('/readyz').expect(200);
    } finally {
      await testApp.close();
    }
  });
});
