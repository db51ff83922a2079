import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createDemoApp } from '../../src/demo/demo-server.js';
import { freePort, type SpawnedService, spawnService } from '../support/spawn-service.js';
import { waitFor } from '../support/wait-for.js';

const configIn = (html: string) =>
  JSON.parse(/<script type="application\/json" id="demo-config">(.*?)<\/script>/.exec(html)?.[1] ?? 'null');

describe('the demo page server', () => {
  const app = createDemoApp({
    servicePort: 8080,
    sdkUrl: 'http://127.0.0.1:9090/scdk.js',
    sdkIsStandIn: true,
    sessionMode: 'bearer',
  });

  it('points the page at the service on the host name it was opened with', async () => {
    const viaIp = await request(app).get('/').set('Host', '127.0.0.1:3000').expect(200);
    assert.equal(configIn(viaIp.text).serviceUrl, 'http://127.0.0.1:8080');
    const viaName = await request(app).get('/').set('Host', 'localhost:3000').expect(200);
    assert.deepEqual(configIn(viaName.text), {
      serviceUrl: 'http://localhost:8080',
      sdkUrl: 'http://127.0.0.1:9090/scdk.js',
      sdkIsStandIn: true,
      sessionMode: 'bearer',
    });
    const viaOther = await request(app).get('/').set('Host', 'evil.example').expect(200);
    assert.equal(configIn(viaOther.text).serviceUrl, 'http://localhost:8080', 'never an arbitrary host');
  });

  it('allows scripts, calls and frames only from itself, the service and the SDK', async () => {
    const response = await request(app).get('/').set('Host', 'localhost:3000').expect(200);
    const csp = Object.fromEntries(
      String(response.headers['content-security-policy'])
        .split(';')
        .map((directive) => {
          const [name = '', ...values] = directive.trim().split(/\s+/);
          return [name, values];
        }),
    );
    assert.deepEqual(csp['script-src'], ["'self'", 'http://localhost:8080', 'http://127.0.0.1:9090']);
    assert.deepEqual(csp['connect-src'], ["'self'", 'http://localhost:8080', 'http://127.0.0.1:9090']);
    assert.deepEqual(csp['frame-src'], ['http://127.0.0.1:9090']);
    assert.deepEqual(csp['frame-ancestors'], ["'none'"]);
  });

  it('serves its script and styles, and nothing else', async () => {
    const script = await request(app).get('/demo.js').expect(200);
    assert.match(script.headers['content-type'] ?? '', /javascript/);
    await request(app).get('/demo.css').expect(200);
    await request(app).get('/../package.json').expect(404);
  });
});

describe('npm start in development with no .env', () => {
  let service: SpawnedService;
  let demoPort: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'gts-demo-'));
  before(async () => {
    demoPort = await freePort();
    service = await spawnService({
      NODE_ENV: 'development',
      GATEWAY_API_URL: '',
      DEMO_PORT: String(demoPort),
      DATABASE_URL: `sqlite:${join(dataDir, 'store.db')}`,
    });
  });
  after(async () => {
    await service.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the demo page, whose origin may call the service, with the emulator SDK stand-in', async () => {
    await waitFor('the demo page log line', () => service.output().includes('demo partner page at'));
    const page = await fetch(`http://localhost:${demoPort}/`);
    assert.equal(page.status, 200);
    const config = configIn(await page.text());
    assert.equal(config.serviceUrl, `http://localhost:${service.port}`);
    assert.equal(config.sessionMode, 'bearer');
    const sdk = await fetch(config.sdkUrl);
    assert.equal(sdk.status, 200);
    assert.match(await sdk.text(), /window\.scDK/);
    const cors = await fetch(`${service.baseUrl}/client/gateway-token-client.js`, {
      headers: { origin: `http://localhost:${demoPort}` },
    });
    assert.equal(cors.headers.get('access-control-allow-origin'), `http://localhost:${demoPort}`);
  });
});
