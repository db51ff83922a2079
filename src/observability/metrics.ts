/**
 * What the service reports about itself. Modules receive a `ServiceMetrics` through their
 * dependencies; labels are closed sets (never user ids or tokens). The Prometheus
 * implementation lives beside this; `noopMetrics` serves tests that do not look.
 */
export type UpstreamOutcome = 'ok' | 'error' | 'unavailable' | 'timeout' | 'circuit_open' | 'rejected';
export type CircuitState = 'closed' | 'open' | 'half_open';
export type WebhookOutcome = 'applied' | 'duplicate' | 'rejected' | 'failed';

/** The text served on `GET /metrics`. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

export interface ServiceMetrics {
  tokenMinted(userType: 'guest' | 'connected'): void;
  /** One finished upstream call; `operation` is a name from the Gateway client's path table. */
  upstreamCall(operation: string, outcome: UpstreamOutcome, seconds: number): void;
  /** The circuit breaker of one upstream operation changed state (also reported once, closed, at start). */
  circuitState(operation: string, state: CircuitState): void;
  webhook(outcome: WebhookOutcome): void;
  storeError(): void;
  // The HTTP side is optional so that fakes observing only the calls above stay small; the app
  // skips its request middleware without `httpRequest` and serves an empty `/metrics`.
  /** One finished HTTP request; `route` is a route template or `unmatched`, never a raw path. */
  httpRequest?(method: string, route: string, status: number, seconds: number): void;
  exposition?(): Promise<MetricsExposition>;
}

export const noopMetrics: ServiceMetrics = {
  tokenMinted: () => {},
  upstreamCall: () => {},
  circuitState: () => {},
  webhook: () => {},
  storeError: () => {},
};
