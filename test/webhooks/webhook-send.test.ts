import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CANARY } from '../support/canaries.js';
import { runTsScript } from '../support/spawn-service.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { serve, webhookOutcomes } from './webhook-fixtures.js';

const send = (args: string[], env: NodeJS.ProcessEnv) =>
  runTsScript('scripts/webhook-send.ts', args, { env });

describe('npm run webhook:send', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  const observed = webhookOutcomes();
  before(async () => {
    t = buildTestApp({ deps: { metrics: observed.metrics } });
    server = await serve(t.app);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  it('signs with GATEWAY_API_SECRET, prints the status, and never prints the secret', async () => {
    const ok = await send(['--url', server.url, '--smallcase-auth-id', 'SCA_cli', '--ms'], {
      GATEWAY_API_SECRET: CANARY.gatewayApiSecret,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^HTTP 200\n\{"received":true\}/);
    const mf = await send(['--url', server.url, '--transaction-id', 'TRX_cli', '--body', '{"intent":"X"}'], {
      GATEWAY_API_SECRET: CANARY.gatewayApiSecret,
    });
    assert.match(mf.stdout, /^HTTP 200/);
    assert.deepEqual(observed.outcomes, ['applied', 'applied']);
    const wrong = await send(['--url', server.url, '--smallcase-auth-id', 'SCA_cli'], {
      GATEWAY_API_SECRET: 'not-the-secret',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /^HTTP 401/);
    for (const run of [ok, mf, wrong]) {
      assert.ok(!`${run.stdout}${run.stderr}`.includes(CANARY.gatewayApiSecret), 'no secret printed');
    }
  });

  it('refuses to run without a secret, a URL or an id, naming what is missing', async () => {
    const noSecret = await send(['--url', server.url, '--smallcase-auth-id', 'SCA_cli'], {});
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /GATEWAY_API_SECRET/);
    const noId = await send(['--url', server.url], { GATEWAY_API_SECRET: CANARY.gatewayApiSecret });
    assert.equal(noId.code, 2);
    assert.match(noId.stderr, /--smallcase-auth-id/);
    const noUrl = await send(['--smallcase-auth-id', 'x'], { GATEWAY_API_SECRET: CANARY.gatewayApiSecret });
    assert.equal(noUrl.code, 2);
    assert.ok(!noUrl.stderr.includes(CANARY.gatewayApiSecret));
  });
});
