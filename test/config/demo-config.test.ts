import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { assertRefused, noFiles, productionEnv } from './config-test-helpers.js';

describe('loadConfig: the demo page (DEMO_PORT, DEMO_SDK_URL) and its CORS default', () => {
  it('serves the demo on 3000 in development, and lets its two origins call the service', () => {
    const { config } = loadConfig({}, noFiles);
    assert.equal(config.demoPort, 3000);
    assert.equal(config.demoSdkUrl, undefined);
    assert.deepEqual(config.corsOrigins, ['http://localhost:3000', 'http://127.0.0.1:3000']);
  });

  it('follows DEMO_PORT in the CORS default', () => {
    const { config } = loadConfig({ DEMO_PORT: '3100' }, noFiles);
    assert.equal(config.demoPort, 3100);
    assert.deepEqual(config.corsOrigins, ['http://localhost:3100', 'http://127.0.0.1:3100']);
  });

  it('DEMO_PORT=0 turns the demo off and leaves CORS closed', () => {
    const { config } = loadConfig({ DEMO_PORT: '0' }, noFiles);
    assert.equal(config.demoPort, 0);
    assert.deepEqual(config.corsOrigins, []);
  });

  it('an explicit CORS_ORIGINS replaces the default entirely', () => {
    const { config } = loadConfig({ CORS_ORIGINS: 'https://app.partner.example' }, noFiles);
    assert.equal(config.demoPort, 3000);
    assert.deepEqual(config.corsOrigins, ['https://app.partner.example']);
  });

  it('keeps the demo off under NODE_ENV=test unless DEMO_PORT asks for it', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test' }, noFiles).config.demoPort, 0);
    assert.deepEqual(loadConfig({ NODE_ENV: 'test' }, noFiles).config.corsOrigins, []);
    assert.equal(loadConfig({ NODE_ENV: 'test', DEMO_PORT: '3200' }, noFiles).config.demoPort, 3200);
  });

  it('has no demo and no CORS default in production', () => {
    const { config } = loadConfig(productionEnv(), noFiles);
    assert.equal(config.demoPort, 0);
    assert.deepEqual(config.corsOrigins, []);
  });

  it('refuses a demo port in production, naming DEMO_PORT', () => {
    assertRefused(productionEnv({ DEMO_PORT: '3000' }), 'DEMO_PORT');
  });

  for (const value of ['-1', '65536', 'three', '3000.5']) {
    it(`refuses DEMO_PORT=${value}`, () => {
      assertRefused({ DEMO_PORT: value }, 'DEMO_PORT');
    });
  }

  it('takes DEMO_SDK_URL as the web SDK script', () => {
    const url = 'https://gateway.smallcase.com/scdk/2.0.0/scdk.js';
    assert.equal(loadConfig({ DEMO_SDK_URL: url }, noFiles).config.demoSdkUrl, url);
  });

  for (const value of [
    'gateway.smallcase.com/scdk.js',
    'ftp://example.com/scdk.js',
    'https://u:p@example.com/x.js',
  ]) {
    it(`refuses DEMO_SDK_URL=${value}`, () => {
      assertRefused({ DEMO_SDK_URL: value }, 'DEMO_SDK_URL');
    });
  }
});
