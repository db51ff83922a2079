import type { CircuitState } from '../observability/metrics.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  readonly openMs: number;
  readonly onStateChange?: (state: CircuitState) => void;
  readonly now?: () => number;
}

export interface CircuitBreaker {
  /** Milliseconds until a call may be tried again; 0 when a call may go ahead now. */
  blockedForMs(): number;
  /** Must follow every call let through, so a half-open trial is settled. */
  recordSuccess(): void;
  recordFailure(): void;
  state(): CircuitState;
}

/**
 * Consecutive-failure breaker: closed -> open after `failureThreshold` failures; after
 * `openMs` one trial call is let through (half-open), whose outcome closes or re-opens it.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let current: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const moveTo = (next: CircuitState) => {
    if (next === current) return;
    current = next;
    options.onStateChange?.(next);
  };

  return {
    blockedForMs() {
      if (current === 'closed') return 0;
      const remaining = openedAt + options.openMs - now();
      if (current === 'open' && remaining > 0) return remaining;
      if (trialInFlight) return Math.max(remaining, 1000);
      trialInFlight = true;
      moveTo('half_open');
      return 0;
    },
    recordSuccess() {
      failures = 0;
      trialInFlight = false;
      moveTo('closed');
    },
    recordFailure() {
      failures += 1;
      trialInFlight = false;
      if (current === 'half_open' || failures >= options.failureThreshold) {
        openedAt = now();
        moveTo('open');
      }
    },
    state: () => current,
  };
}
