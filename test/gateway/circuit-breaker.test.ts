import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCircuitBreaker } from '../../src/gateway/circuit-breaker.js';
import type { CircuitState } from '../../src/observability/metrics.js';

describe('circuit breaker', () => {
  it('opens after the threshold, lets one trial through after the pause, and closes on its success', () => {
    let now = 0;
    const states: CircuitState[] = [];
    const breaker = createCircuitBreaker({
      failureThreshold: 3,
      openMs: 1000,
      now: () => now,
      onStateChange: (s) => states.push(s),
    });
    for (let i = 0; i < 2; i += 1) {
      assert.equal(breaker.blockedForMs(), 0);
      breaker.recordFailure();
    }
    assert.equal(breaker.state(), 'closed');
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open');
    now = 400;
    assert.equal(breaker.blockedForMs(), 600);
    now = 1000;
    assert.equal(breaker.blockedForMs(), 0, 'the trial call');
    assert.equal(breaker.state(), 'half_open');
    assert.ok(breaker.blockedForMs() > 0, 'only one trial at a time');
    breaker.recordSuccess();
    assert.equal(breaker.blockedForMs(), 0);
    assert.deepEqual(states, ['open', 'half_open', 'closed']);
  });

  it('re-opens at once when the trial fails, and a success in between resets the count', () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 500, now: () => now });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    assert.equal(breaker.state(), 'closed');
    breaker.recordFailure();
    now = 500;
    assert.equal(breaker.blockedForMs(), 0);
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.blockedForMs(), 500);
  });
});
