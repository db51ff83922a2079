import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningDemo, startDemoServer } from '../../src/demo/demo-server.js';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { closeGracefully, createHttpServer, listen } from '../../src/lifecycle/http-server.js';
import { startTestEmulator } from '../support/gateway-emulator.js';
import { freePort } from '../support/spawn-service.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';

export interface FrontendStack {
  /** The demo page, on `http://localhost:<port>` (the only origin in CORS_ORIGINS). */
  readonly demoUrl: string;
  readonly serviceUrl: string;
  readonly emulator: RunningEmulator;
  readonly testApp: TestApp;
  /** Moves the service's and the emulator's clocks (not the browser's) ahead by `ms`. */
  skewServerClocks(ms: number): void;
  /** `POST /__emulator/sdk/next-outcome`: the next triggerTransaction ends this way without the picker. */
  nextOutcome(body: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Everything the browser talks to, on loopback: the real app (temp SQLite) listening on its own
 * port, the emulator as its upstream and webhook sender, and the demo page on a third origin.
 */
export async function startFrontendStack(
  options: { sessionCookie?: string; tokenTtlSeconds?: number } = {},
): Promise<FrontendStack> {
  let skewMs = 0;
  const now = () => Date.now() + skewMs;
  const ttlSeconds = options.tokenTtlSeconds ?? 3600;
  const emulator = await startTestEmulator({ now });
  const demoPort = await freePort();
  const testApp = buildTestApp({
    env: {
      GATEWAY_API_URL: emulator.url,
      CORS_ORIGINS: `http://localhost:${demoPort}`,
      DEV_LOGIN: 'true',
      AUTH_TOKEN_TTL_SECONDS: String(ttlSeconds),
      RATE_LIMIT_PER_MINUTE: '10000',
      ...(options.sessionCookie ? { PARTNER_SESSION_COOKIE: options.sessionCookie } : {}),
    },
    deps: { tokenClock: now },
  });
  const server: Server = createHttpServer(testApp.app);
  await listen(server, 0, '127.0.0.1');
  const servicePort = (server.address() as AddressInfo).port;
  emulator.webhooks.configure({ url: `http://127.0.0.1:${servicePort}/webhooks/smallcase` });
  const demo: RunningDemo = await startDemoServer({
    port: demoPort,
    host: '127.0.0.1',
    servicePort,
    sdkUrl: `${emulator.url}/scdk.js`,
    sdkIsStandIn: true,
    sessionMode: options.sessionCookie ? 'cookie' : 'bearer',
  });
  return {
    demoUrl: demo.url,
    serviceUrl: `http://localhost:${servicePort}`,
    emulator,
    testApp,
    skewServerClocks(ms) {
      skewMs += ms;
    },
    async nextOutcome(body) {
      const response = await fetch(`${emulator.url}/__emulator/sdk/next-outcome`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`next-outcome answered ${response.status}: ${await response.text()}`);
    },
    async close() {
      await demo.close();
      await emulator.close();
      server.closeAllConnections();
      await closeGracefully(server);
      await testApp.close();
    },
  };
}
