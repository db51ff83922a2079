import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawnService } from '../support/spawn-service.js';
import { tempSqlitePath } from '../support/test-app.js';

/** The real entry point as an operator might start it: real keys, NODE_ENV forgotten. */
async function startWith(env: NodeJS.ProcessEnv) {
  const sqlite = tempSqlitePath();
  after(sqlite.cleanup);
  const service = await spawnService({
    NODE_ENV: undefined,
    GATEWAY_API_URL: 'http://127.0.0.1:9',
    DEMO_PORT: '0',
    DATABASE_URL: `sqlite:${sqlite.path}`,
    ...env,
  });
  after(() => service.kill());
  return service;
}

async function devLogin(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/dev/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'victim' }),
  });
  await response.arrayBuffer();
  return response.status;
}

const devLoginWarnings = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.includes('"level":"warn"') && line.includes('development login is on'));

describe('development login on a deployment that forgot NODE_ENV', () => {
  it('is closed when the partner key is configured: POST /dev/session is 404 and nothing warns', async () => {
    const service = await startWith({});
    assert.equal(await devLogin(service.baseUrl), 404);
    assert.deepEqual(devLoginWarnings(service.output()), []);
  });

  it('opens only with an explicit DEV_LOGIN=true, and one warning line says so', async () => {
    const service = await startWith({ DEV_LOGIN: 'true' });
    assert.equal(await devLogin(service.baseUrl), 200);
    assert.equal(devLoginWarnings(service.output()).length, 1, service.output());
  });

  it('is open by default with the generated development secret, and one warning line says so', async () => {
    const service = await startWith({ PARTNER_JWT_SECRET: undefined });
    assert.equal(await devLogin(service.baseUrl), 200);
    assert.equal(devLoginWarnings(service.output()).length, 1, service.output());
  });
});
