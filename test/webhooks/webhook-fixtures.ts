import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach } from 'node:test';
import type { Express } from 'express';
import type { ServiceMetrics, WebhookOutcome } from '../../src/observability/metrics.js';
import { noopMetrics } from '../../src/observability/metrics.js';
import { CANARY } from '../support/canaries.js';
import { TEST_REDELIVERY_SPEEDUP } from '../support/gateway-emulator.js';
import { buildGatewayTestApp, type GatewayTestApp } from '../support/gateway-test-app.js';

export type Body = Record<string, unknown>;

/** Signs like the Gateway (computed here with node:crypto, independently of the service's module). */
export function sign(
  fields: { timestamp?: number | string; smallcaseAuthId?: string; transactionId?: string } & Body,
  secret: string = CANARY.gatewayApiSecret,
): Body {
  const timestamp = fields.timestamp ?? Math.floor(Date.now() / 1000);
  const id = (fields.smallcaseAuthId || fields.transactionId) as string;
  const checksum = createHmac('sha256', secret).update(`${timestamp}${id}`).digest('hex');
  return { ...fields, timestamp, checksum };
}

/** Metrics that remember webhook outcomes. */
export function webhookOutcomes(): { metrics: ServiceMetrics; outcomes: WebhookOutcome[] } {
  const outcomes: WebhookOutcome[] = [];
  return { metrics: { ...noopMetrics, webhook: (outcome) => outcomes.push(outcome) }, outcomes };
}

/** Serves `app` on loopback so that the emulator can deliver webhooks to it. */
export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/smallcase`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Registers the suite's hooks for a Gateway test app that records webhook outcomes and is served
 * on loopback, with the emulator's completion webhooks aimed at it (test speed-up, 3 attempts)
 * and the outcomes cleared before each test. Read `app` once the suite's `before` has run.
 */
export function servedGatewayTestApp(): {
  readonly app: GatewayTestApp;
  readonly outcomes: WebhookOutcome[];
} {
  const observed = webhookOutcomes();
  let app: GatewayTestApp | undefined;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  before(async () => {
    app = await buildGatewayTestApp({ deps: { metrics: observed.metrics } });
    server = await serve(app.app);
  });
  after(async () => {
    await server?.close();
    await app?.close();
  });
  beforeEach(() => {
    app?.emulator.webhooks.configure({ url: server?.url, speedUp: TEST_REDELIVERY_SPEEDUP, maxAttempts: 3 });
    observed.outcomes.splice(0);
  });
  return {
    get app() {
      if (app === undefined) throw new Error('the served app is read before the suite started');
      return app;
    },
    outcomes: observed.outcomes,
  };
}
