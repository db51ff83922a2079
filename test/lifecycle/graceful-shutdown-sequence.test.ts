import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import express from 'express';
import { createGracefulShutdown } from '../../src/lifecycle/graceful-shutdown.js';
import { createHttpServer, listen } from '../../src/lifecycle/http-server.js';
import { createLogger } from '../../src/observability/logger.js';
import { capturedLogLines, createLogCapture } from '../support/log-capture.js';
import { waitFor } from '../support/wait-for.js';

const logger = createLogger({ level: 'info', destination: createLogCapture() });

// GET /slow waits for `release`; `entered` resolves once a request has reached the handler.
async function slowServer() {
  let release: () => void = () => {};
  let markEntered: () => void = () => {};
  const entered = new Promise<void>((resolve) => {
    markEntered = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const app = express();
  app.get('/slow', async (_req, res) => {
    markEntered();
    await released;
    res.json({ done: true });
  });
  const server = createHttpServer(app);
  await listen(server, 0, '127.0.0.1');
  return { server, port: (server.address() as AddressInfo).port, entered, release };
}

function getStatus(port: number, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('graceful shutdown sequence', () => {
  it('turns unready at once, closes resources in order only after the in-flight request, then exits 0', async () => {
    const { server, port, entered, release } = await slowServer();
    const agent = new Agent({ keepAlive: true });
    const answer = getStatus(port, agent);
    await entered;
    const events: string[] = [];
    const shutdown = createGracefulShutdown({
      server,
      logger,
      stopAcceptingTraffic: () => events.push('unready'),
      resources: [
        { name: 'store', close: async () => void events.push('store closed') },
        { name: 'redis', close: async () => void events.push('redis closed') },
      ],
      graceMs: 5000,
      exit: (code) => events.push(`exit ${code}`),
    });
    const done = shutdown('SIGTERM');
    assert.deepEqual(events, ['unready']);
    await shutdown('SIGTERM');
    // Not a wait for anything: a window in which a wrong implementation would close something.
    await delay(100);
    assert.deepEqual(events, ['unready'], 'nothing closes while a request is in flight');
    release();
    assert.equal(await answer, 200);
    await done;
    await waitFor('four shutdown steps', () => events.length === 4);
    assert.deepEqual(events, ['unready', 'store closed', 'redis closed', 'exit 0']);
    agent.destroy();
  });

  it('logs a resource that fails to close and still closes the others', async () => {
    const { server, release } = await slowServer();
    release();
    const events: string[] = [];
    await createGracefulShutdown({
      server,
      logger,
      stopAcceptingTraffic: () => {},
      resources: [
        { name: 'store', close: () => Promise.reject(new Error('pool already ended')) },
        { name: 'redis', close: async () => void events.push('redis closed') },
      ],
      graceMs: 5000,
      exit: (code) => events.push(`exit ${code}`),
    })('SIGTERM');
    await waitFor('two shutdown steps', () => events.length === 2);
    assert.deepEqual(events, ['redis closed', 'exit 0']);
    assert.ok(
      capturedLogLines().some((line) => line.includes('"resource":"store"') && line.includes('close failed')),
    );
  });

  it('when a request outlives the grace period, cuts the connection and exits 1 without closing resources', async () => {
    const { server, port, entered, release } = await slowServer();
    const agent = new Agent({ keepAlive: true });
    const answer = getStatus(port, agent).then(
      (status) => status,
      (error: Error) => error.message,
    );
    await entered;
    const events: string[] = [];
    await createGracefulShutdown({
      server,
      logger,
      stopAcceptingTraffic: () => {},
      resources: [{ name: 'store', close: async () => void events.push('store closed') }],
      graceMs: 200,
      exit: (code) => events.push(`exit ${code}`),
    })('SIGTERM');
    await waitFor('the exit', () => events.length > 0);
    assert.deepEqual(events, ['exit 1']);
    assert.equal(await answer, 'socket hang up');
    release();
    agent.destroy();
  });
});
