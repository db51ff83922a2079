import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { startTestEmulator } from './gateway-emulator.js';
import { buildTestApp, type TestApp } from './test-app.js';

export interface GatewayTestApp extends TestApp {
  readonly emulator: RunningEmulator;
  /** Plays the user finishing the flow in the SDK: the emulator marks the transaction COMPLETED. */
  complete(transactionId: string, smallcaseAuthId: string, broker?: string): Promise<void>;
  /** Queues an emulator fault (`{kind: 'hang' | 'status' | 'redirect' | 'html' | 'oversize', ...}`). */
  fault(fault: Record<string, unknown>): Promise<void>;
}

/** The real app over a temp store, talking to a fresh emulator on loopback. */
export async function buildGatewayTestApp(env: NodeJS.ProcessEnv = {}): Promise<GatewayTestApp> {
  const emulator = await startTestEmulator();
  const testApp = buildTestApp({ env: { GATEWAY_API_URL: emulator.url, ...env } });
  const control = async (path: string, body: unknown) => {
    const res = await fetch(`${emulator.url}/__emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator control ${path} answered ${res.status}: ${await res.text()}`);
  };
  return {
    ...testApp,
    emulator,
    complete: (transactionId, smallcaseAuthId, broker = 'kite') =>
      control(`/transactions/${transactionId}/complete`, { smallcaseAuthId, broker }),
    fault: (fault) => control('/faults', fault),
    async close() {
      await testApp.close();
      await emulator.close();
    },
  };
}
