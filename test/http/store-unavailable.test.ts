import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import type { Store } from '../../src/store/store.js';
import { rememberToken } from '../support/log-capture.js';
import { bearer, buildTestApp } from '../support/test-app.js';

function assertStoreUnavailable(response: request.Response): void {
  assert.equal(response.status, 503);
  assert.equal(response.body.code, 'store_unavailable');
  assert.match(response.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.match(response.headers['retry-after'] ?? '', /^\d+$/);
  assert.equal(response.body.smallcaseAuthToken, undefined);
  assert.ok(!JSON.stringify(response.body).includes('eyJ'), 'no token anywhere in the body');
}

describe('/auth-token when the store is unavailable', () => {
  it('answers 503 store_unavailable with Retry-After and never downgrades a linked user to guest', async () => {
    const testApp = buildTestApp();
    try {
      await testApp.store.links.link({
        partnerUserId: 'linked',
        smallcaseAuthId: 'sc-linked',
        broker: null,
        at: new Date(),
      });
      const session = testApp.session('linked');
      rememberToken(session);
      const before = await request(testApp.app).post('/auth-token').set(bearer(session)).expect(200);
      rememberToken(before.body.smallcaseAuthToken);
      assert.equal(before.body.userType, 'connected');

      await testApp.store.close();
      assertStoreUnavailable(await request(testApp.app).post('/auth-token').set(bearer(session)));
      assertStoreUnavailable(await request(testApp.app).get('/auth-token').set(bearer(session)));
      const guest = testApp.session('never-linked');
      rememberToken(guest);
      assertStoreUnavailable(await request(testApp.app).post('/auth-token').set(bearer(guest)));
    } finally {
      await testApp.close();
    }
  });

  it('answers 503 within the store deadline when the store hangs, and mints nothing', async () => {
    const testApp = buildTestApp();
    const hangingLinks: Store['links'] = {
      ...testApp.store.links,
      findByUser: () => new Promise(() => {}),
    };
    const slowApp = buildTestApp({
      deps: { store: { ...testApp.store, links: hangingLinks }, storeDeadlineMs: 200 },
    });
    try {
      const session = slowApp.session('slow');
      rememberToken(session);
      const started = Date.now();
      assertStoreUnavailable(await request(slowApp.app).post('/auth-token').set(bearer(session)));
      assert.ok(Date.now() - started < 5000, 'answered near the 200 ms deadline, not hanging');
    } finally {
      await slowApp.close();
      await testApp.close();
    }
  });
});
