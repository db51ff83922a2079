import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { buildTestApp, testEnv } from '../support/test-app.js';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(testEnv(env));
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('loadConfig: Gateway path settings', () => {
  it('leaves both unset to the Gateway client, which defaults them to the paths of docs/gateway.md', async () => {
    const { config } = loadConfig(testEnv());
    assert.equal(config.gatewayHoldingsPath, undefined);
    assert.equal(config.gatewayEnginePaths, undefined);
    const testApp = buildTestApp();
    try {
      const { paths } = testApp.services.gateway;
      assert.equal(paths.holdings, '/v1/gatewaytest/engine/user/holdings?version=v2');
      assert.deepEqual(paths.engineReadPaths, [
        'user/holdings',
        'user/investments',
        'smallcases',
        'smallcase',
        'market/news',
      ]);
    } finally {
      await testApp.close();
    }
  });

  it('takes GATEWAY_HOLDINGS_PATH and a comma-separated GATEWAY_ENGINE_PATHS', () => {
    const { config } = loadConfig(
      testEnv({
        GATEWAY_HOLDINGS_PATH: '/gateway/{gatewayName}/user/holdings',
        GATEWAY_ENGINE_PATHS: ' smallcases , market/news,smallcases',
      }),
    );
    assert.equal(config.gatewayHoldingsPath, '/gateway/{gatewayName}/user/holdings');
    assert.deepEqual(config.gatewayEnginePaths, ['smallcases', 'market/news']);
    assert.deepEqual(loadConfig(testEnv({ GATEWAY_ENGINE_PATHS: '' })).config.gatewayEnginePaths, []);
  });

  for (const bad of [
    'user/../secrets',
    '/user/holdings',
    'user//holdings',
    'user/%2e%2e',
    'a\\b',
    'transactiondetails',
  ]) {
    it(`refuses the engine path ${JSON.stringify(bad)}`, () => {
      const problems = problemsOf({ GATEWAY_ENGINE_PATHS: `smallcases,${bad}` });
      assert.ok(problems.some((problem) => problem.startsWith('GATEWAY_ENGINE_PATHS:')));
    });
  }

  for (const bad of ['user/holdings', '/v1/../x', '/v1//x', 'https://evil.example/x', '/v1/x?a=<b>']) {
    it(`refuses the holdings path ${JSON.stringify(bad)}`, () => {
      assert.ok(
        problemsOf({ GATEWAY_HOLDINGS_PATH: bad }).some((p) => p.startsWith('GATEWAY_HOLDINGS_PATH:')),
      );
    });
  }
});
