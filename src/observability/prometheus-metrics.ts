import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { createHttpRequestMetrics } from './http-request-metrics.js';
import type { CircuitState, ServiceMetrics } from './metrics.js';

const UPSTREAM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];
// Operation names come from the Gateway client's table; anything else is folded so that a
// mistake upstream of us can never turn a label into an unbounded (or identifying) value.
const OPERATION_NAME = /^[a-z][a-z0-9_.]{0,63}$/i;

export interface PrometheusMetrics extends Required<ServiceMetrics> {
  /** This instance's own registry (never the global default: tests build many apps). */
  readonly registry: Registry;
}

/** Prometheus implementation of `ServiceMetrics`, with default process metrics on its own registry. */
export function createPrometheusMetrics(options: { prefix?: string } = {}): PrometheusMetrics {
  const prefix = options.prefix ?? 'gts_';
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequest = createHttpRequestMetrics(prefix, registry);
  const tokensMinted = new Counter({
    name: `${prefix}tokens_minted_total`,
    help: 'smallcaseAuthTokens handed to clients, by user type.',
    labelNames: ['user_type'] as const,
    registers,
  });
  const upstreamCalls = new Counter({
    name: `${prefix}upstream_requests_total`,
    help: 'Calls to the smallcase Gateway, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });
  const upstreamDuration = new Histogram({
    name: `${prefix}upstream_request_duration_seconds`,
    help: 'Duration of calls to the smallcase Gateway, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const circuit = new Gauge({
    name: `${prefix}circuit_breaker_state`,
    help: 'Gateway circuit breaker of each upstream operation: 1 for the current state, 0 for the others.',
    labelNames: ['operation', 'state'] as const,
    registers,
  });
  const webhooks = new Counter({
    name: `${prefix}webhooks_total`,
    help: 'Webhook deliveries received, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const storeErrors = new Counter({
    name: `${prefix}store_errors_total`,
    help: 'Store calls that failed or passed their deadline.',
    registers,
  });

  const operationLabel = (operation: string) => (OPERATION_NAME.test(operation) ? operation : 'other');
  const setCircuit = (operation: string, current: CircuitState) => {
    for (const state of CIRCUIT_STATES) {
      circuit.set({ operation: operationLabel(operation), state }, state === current ? 1 : 0);
    }
  };
  storeErrors.inc(0);

  return {
    registry,
    tokenMinted: (userType) => tokensMinted.inc({ user_type: userType }),
    upstreamCall(operation, outcome, seconds) {
      const labels = { operation: operationLabel(operation), outcome };
      upstreamCalls.inc(labels);
      upstreamDuration.observe(labels, seconds);
    },
    circuitState: setCircuit,
    webhook: (outcome) => webhooks.inc({ outcome }),
    storeError: () => storeErrors.inc(),
    httpRequest,
    async exposition() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
