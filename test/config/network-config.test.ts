import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { assertRefused } from './config-test-helpers.js';

describe('loadConfig: origins and proxies', () => {
  for (const value of [
    '*',
    'null',
    'https://partner.example/path',
    'https://partner.example/',
    'partner.example',
    'ftp://partner.example',
    'https://partner.example,*',
    'https://*.partner.example',
  ]) {
    it(`refuses CORS_ORIGINS=${JSON.stringify(value)}`, () => {
      assertRefused({ CORS_ORIGINS: value }, 'CORS_ORIGINS');
    });
  }

  it('refuses a listener set to a port another one uses, naming the clash', () => {
    assertRefused(
      { PORT: '9191', EMULATOR_PORT: '9191', DEMO_PORT: '0' },
      'EMULATOR_PORT: port 9191 is already PORT',
    );
    assertRefused({ PORT: '3001', DEMO_PORT: '3001' }, 'DEMO_PORT: port 3001 is already PORT');
    assertRefused(
      { METRICS_PORT: '9191', EMULATOR_PORT: '9191' },
      'EMULATOR_PORT: port 9191 is already METRICS_PORT',
    );
  });

  it('moves the demo page and the emulator off a default port another listener took, with a warning', () => {
    const onDemoPort = loadConfig({ PORT: '3000' });
    assert.equal(onDemoPort.config.port, 3000);
    assert.equal(onDemoPort.config.demoPort, 0, 'the demo page is off');
    assert.ok(
      onDemoPort.warnings.some((line) => line.startsWith('DEMO_PORT: its default port 3000 is PORT')),
    );
    const onEmulatorPort = loadConfig({ PORT: '9090', DEMO_PORT: '0' });
    assert.equal(onEmulatorPort.config.port, 9090);
    assert.equal(onEmulatorPort.config.emulatorPort, 0, 'the emulator takes a free port');
    assert.ok(
      onEmulatorPort.warnings.some((line) => line.startsWith('EMULATOR_PORT: its default port 9090 is PORT')),
    );
    // No emulator with GATEWAY_API_URL (or in production): its port is free to use, silently.
    const upstream = loadConfig({ PORT: '9090', DEMO_PORT: '0', GATEWAY_API_URL: 'http://127.0.0.1:1' });
    assert.equal(upstream.config.emulatorPort, 9090);
    assert.ok(!upstream.warnings.some((line) => line.startsWith('EMULATOR_PORT')));
  });

  it('keeps exact CORS origins as given', () => {
    const { config } = loadConfig({ CORS_ORIGINS: 'https://partner.example, http://localhost:3000' });
    assert.deepEqual(config.corsOrigins, ['https://partner.example', 'http://localhost:3000']);
  });

  for (const value of [
    'true',
    'TRUE',
    'yes',
    '0',
    '11',
    '10.0.0.0/33',
    'not-an-ip',
    '0.0.0.0/0',
    '::/0',
    '10.0.0.1, 0.0.0.0/1',
  ]) {
    it(`refuses TRUST_PROXY=${JSON.stringify(value)}`, () => {
      assertRefused({ TRUST_PROXY: value }, 'TRUST_PROXY');
    });
  }

  it('accepts TRUST_PROXY as a hop count or a list of addresses and CIDRs', () => {
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).config.trustProxy, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback, ::1' }).config.trustProxy, [
      '10.0.0.0/8',
      'loopback',
      '::1',
    ]);
    assert.equal(loadConfig({}).config.trustProxy, false);
  });
});
