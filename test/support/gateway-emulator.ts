import { startGatewayEmulator } from '../../src/emulator/gateway-emulator.js';
import { createGatewayClient, type GatewayClientOptions } from '../../src/gateway/gateway-client.js';
import { createSuccessTokenVerifier } from '../../src/tokens/success-token-verifier.js';
import { createTokenMinter } from '../../src/tokens/token-minter.js';
import { CANARY } from './canaries.js';

export const EMULATED_GATEWAY = 'gatewaytest';

/** Turns the Gateway's redelivery waits (15 min, 24 h, 48 h) into 5 ms, 480 ms and 960 ms. */
export const TEST_REDELIVERY_SPEEDUP = 180_000;

/** Starts the emulator on loopback with the canary secrets (as the test app is configured). */
export function startTestEmulator(options: { now?: () => number } = {}) {
  return startGatewayEmulator({
    gatewayName: EMULATED_GATEWAY,
    gatewaySecret: CANARY.gatewaySecret,
    apiSecret: CANARY.gatewayApiSecret,
    ...options,
  });
}

/** A Gateway client with the canary apiSecret pointed at `baseUrl`. */
export function testGatewayClient(baseUrl: string, overrides: Partial<GatewayClientOptions> = {}) {
  return createGatewayClient({
    baseUrl,
    gatewayName: EMULATED_GATEWAY,
    apiSecret: CANARY.gatewayApiSecret,
    verifySuccessToken: createSuccessTokenVerifier(CANARY.gatewaySecret),
    timeoutMs: 2000,
    ...overrides,
  });
}

/** Mints tokens the emulator accepts. */
export const testMinter = createTokenMinter({ gatewaySecret: CANARY.gatewaySecret, ttlSeconds: 3600 });
