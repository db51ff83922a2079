/**
 * Distinctive secrets used by every test. The log-capture check fails a test file when any
 * of these (or any whole token) shows up in a log line.
 */
export const CANARY = {
  gatewaySecret: 'canary-gateway-secret-6c1f0a9e2b7d4e55a1f3c8b9d0e2f4a6',
  gatewayApiSecret: 'canary-api-secret-93b7e1d2c4a6f8e0b1d3c5e7f9a1b3c5',
  previousGatewayApiSecret: 'canary-previous-api-secret-5e7a9c1b3d5f7e9a1c3b5d7f9e1a3c5b',
  partnerJwtSecret: 'canary-partner-jwt-secret-2f4e6a8c0b1d3f5a7c9e1b3d5f7a9c1e',
  proxySecret: 'canary-proxy-secret-7d9f1b3e5a7c9e1f3b5d7f9a1c3e5b7d',
} as const;

export const CANARY_VALUES: readonly string[] = Object.values(CANARY);
