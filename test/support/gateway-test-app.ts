import request from 'supertest';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { startTestEmulator } from './gateway-emulator.js';
import { bearer, buildTestApp, type TestApp, type TestInfrastructure } from './test-app.js';

export interface GatewayTestApp extends TestApp {
  readonly emulator: RunningEmulator;
  /** An Authorization header with a fresh partner session for `userId`. */
  as(userId: string): { Authorization: string };
  /** POST /transactions as `userId`, expecting 201; returns the transaction id. */
  create(userId: string, body: object): Promise<string>;
  /**
   * Plays the user finishing the flow in the SDK: the emulator marks the transaction COMPLETED;
   * resolves once the completion webhook (sent when the emulator has a webhook target) has been delivered or given up.
   */
  complete(transactionId: string, smallcaseAuthId: string, broker?: string): Promise<void>;
  /** Plays the user abandoning the flow: the emulator marks the transaction ERRORED. */
  fail(transactionId: string): Promise<void>;
  /** Queues an emulator fault (`{kind: 'hang' | 'status' | 'redirect' | 'html' | 'oversize', ...}`). */
  fault(fault: Record<string, unknown>): Promise<void>;
}

/** The real app over a temp store (or `deps.store`), talking to a fresh emulator on loopback. */
export async function buildGatewayTestApp(
  options: { env?: NodeJS.ProcessEnv; deps?: TestInfrastructure } = {},
): Promise<GatewayTestApp> {
  const emulator = await startTestEmulator();
  const testApp = buildTestApp({
    env: { GATEWAY_API_URL: emulator.url, ...options.env },
    deps: options.deps,
  });
  const control = async (path: string, body: unknown) => {
    const res = await fetch(`${emulator.url}/__emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator control ${path} answered ${res.status}: ${await res.text()}`);
  };
  const as = (userId: string) => bearer(testApp.session(userId));
  return {
    ...testApp,
    emulator,
    as,
    async create(userId, body) {
      const res = await request(testApp.app).post('/transactions').set(as(userId)).send(body);
      if (res.status !== 201) throw new Error(`POST /transactions answered ${res.status}: ${res.text}`);
      return res.body.transactionId as string;
    },
    async complete(transactionId, smallcaseAuthId, broker = 'kite') {
      await control(`/transactions/${transactionId}/complete`, { smallcaseAuthId, broker });
      await emulator.webhooks.idle();
    },
    fail: (transactionId) => control(`/transactions/${transactionId}/fail`, {}),
    fault: (fault) => control('/faults', fault),
    async close() {
      await testApp.close();
      await emulator.close();
    },
  };
}
