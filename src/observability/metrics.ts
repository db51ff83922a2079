/**
 * What the service reports about itself. Modules receive a `ServiceMetrics` through their
 * dependencies; labels are closed sets (never user ids or tokens). The Prometheus
 * implementation lives beside this; `noopMetrics` serves tests that do not look.
 */
export type UpstreamOutcome = 'ok' | 'error' | 'unavailable' | 'timeout' | 'circuit_open' | 'rejected';
export type CircuitState = 'closed' | 'open' | 'half_open';
export type WebhookOutcome = 'applied' | 'duplicate' | 'rejected' | 'failed';

export interface ServiceMetrics {
  tokenMinted(userType: 'guest' | 'connected'): void;
  /** One finished upstream call; `operation` is a name from the Gateway client's path table. */
  upstreamCall(operation: string, outcome: UpstreamOutcome, seconds: number): void;
  circuitState(state: CircuitState): void;
  webhook(outcome: WebhookOutcome): void;
  storeError(): void;
}

export const noopMetrics: ServiceMetrics = {
  tokenMinted: () => {},
  upstreamCall: () => {},
  circuitState: () => {},
  webhook: () => {},
  storeError: () => {},
};
