import type { Config } from '../config/config-types.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { createSuccessTokenVerifier } from '../tokens/success-token-verifier.js';
import { createGatewayClient, type GatewayClient } from './gateway-client.js';
import { createGatewayPaths } from './gateway-paths.js';

/** The Gateway client the configuration describes, pointed at `baseUrl` (the emulator's URL in development). */
export function createGatewayClientFor(
  config: Config,
  options: { baseUrl: string; metrics?: ServiceMetrics },
): GatewayClient {
  return createGatewayClient({
    baseUrl: options.baseUrl,
    gatewayName: config.gatewayName,
    apiSecret: config.gatewayApiSecret,
    verifySuccessToken: createSuccessTokenVerifier(config.gatewaySecret),
    timeoutMs: config.gatewayTimeoutMs,
    paths: createGatewayPaths({
      gatewayName: config.gatewayName,
      holdingsPath: config.gatewayHoldingsPath,
      engineReadPaths: config.gatewayEnginePaths,
    }),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
}
