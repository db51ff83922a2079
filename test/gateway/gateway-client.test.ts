import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import {
  GatewayError,
  GatewayTimeoutError,
  GatewayUnavailableError,
} from '../../src/gateway/gateway-errors.js';
import { noopMetrics, type ServiceMetrics } from '../../src/observability/metrics.js';
import { CANARY } from '../support/canaries.js';
import { startTestEmulator, testGatewayClient, testMinter } from '../support/gateway-emulator.js';

const guest = () => testMinter.mintGuest().smallcaseAuthToken;

async function queueFault(emulator: RunningEmulator, fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emulator.url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  assert.equal(res.status, 201);
}

describe('Gateway client against the emulator', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());
  beforeEach(() => emulator.state.reset());

  it('creates a CONNECT transaction and reads its details with exactly the contract header set', async () => {
    const client = testGatewayClient(emulator.url);
    try {
      const created = await client.createTransaction({
        authToken: guest(),
        requestId: 'req-1',
        body: { intent: 'CONNECT' },
      });
      assert.match(created.transactionId, /^TRX_[0-9a-f]{32}$/);
      assert.ok(created.expireAt && created.expireAt.getTime() > Date.now());
      const details = await client.transactionDetails({
        authToken: guest(),
        transactionId: created.transactionId,
      });
      assert.equal(details.status, 'INITIALIZED');
      assert.equal(details.intent, 'CONNECT');
      const [post, get] = emulator.state.requests;
      assert.ok(post && get);
      assert.deepEqual(Object.keys(post.headers).sort(), [
        'accept',
        'connection',
        'content-length',
        'content-type',
        'host',
        'user-agent',
        'x-gateway-authtoken',
        'x-gateway-secret',
        'x-request-id',
      ]);
      assert.equal(post.headers['x-request-id'], 'req-1');
      assert.equal(post.headers['x-gateway-secret'], CANARY.gatewayApiSecret);
      assert.deepEqual(Object.keys(get.headers).sort(), [
        'accept',
        'connection',
        'host',
        'user-agent',
        'x-gateway-authtoken',
        'x-gateway-secret',
        'x-request-id',
      ]);
    } finally {
      await client.close();
    }
  });

  it('maps a wrong apiSecret to a gateway_error carrying the upstream message but not the secret', async () => {
    const client = testGatewayClient(emulator.url, { apiSecret: 'wrong-secret-value' });
    try {
      await assert.rejects(
        client.createTransaction({ authToken: guest(), body: { intent: 'CONNECT' } }),
        (error) => {
          assert.ok(error instanceof GatewayError);
          assert.match(error.message, /HTTP 401.*Invalid gateway secret/);
          assert.doesNotMatch(error.message, /wrong-secret-value/);
          return true;
        },
      );
    } finally {
      await client.close();
    }
  });

  it('when the Gateway hangs, fails with gateway_timeout within the deadline + 10 %', async () => {
    // Long enough that 10 % is 200 ms of slack on a loaded machine.
    const timeoutMs = 2000;
    const client = testGatewayClient(emulator.url, { timeoutMs });
    try {
      await queueFault(emulator, { kind: 'hang', count: 5 });
      const started = performance.now();
      await assert.rejects(client.holdings({ authToken: guest() }), GatewayTimeoutError);
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= timeoutMs * 0.95 && elapsed <= timeoutMs * 1.1, `took ${elapsed} ms`);
    } finally {
      await client.close();
    }
  });

  it('when the Gateway answers 5xx, retries a GET twice but never retries transaction creation', async () => {
    const client = testGatewayClient(emulator.url);
    try {
      await queueFault(emulator, { kind: 'status', status: 500, count: 3 });
      await assert.rejects(client.holdings({ authToken: guest() }), GatewayError);
      assert.equal(emulator.state.requests.length, 3);
      emulator.state.reset();
      await queueFault(emulator, { kind: 'status', status: 502, count: 3 });
      await assert.rejects(
        client.createTransaction({ authToken: guest(), body: { intent: 'CONNECT' } }),
        GatewayError,
      );
      assert.equal(emulator.state.requests.length, 1);
    } finally {
      await client.close();
    }
  });

  it('a GET that fails once with 503 succeeds on the retry', async () => {
    const client = testGatewayClient(emulator.url);
    try {
      await queueFault(emulator, { kind: 'status', status: 503, count: 1 });
      const data = await client.engine({ authToken: guest(), path: 'smallcases', query: 'count=1' });
      assert.equal((data as { smallcases: unknown[] }).smallcases.length, 1);
      assert.equal(emulator.state.requests.length, 2);
      assert.equal(emulator.state.requests[1]?.url, '/v1/gatewaytest/engine/smallcases?count=1');
    } finally {
      await client.close();
    }
  });

  it('does not follow a redirect to another host', async () => {
    let otherHostHits = 0;
    const other = createServer((_req, res) => {
      otherHostHits += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const client = testGatewayClient(emulator.url);
    try {
      const { port } = other.address() as AddressInfo;
      await queueFault(emulator, { kind: 'redirect', location: `http://127.0.0.1:${port}/steal`, count: 3 });
      await assert.rejects(client.holdings({ authToken: guest() }), /redirect/);
      assert.equal(otherHostHits, 0);
    } finally {
      await client.close();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('refuses an HTML body and a body over the size cap with gateway_error', async () => {
    const client = testGatewayClient(emulator.url, { maxResponseBytes: 64 * 1024 });
    try {
      await queueFault(emulator, { kind: 'html' });
      await assert.rejects(client.holdings({ authToken: guest() }), /not its JSON envelope/);
      await queueFault(emulator, { kind: 'oversize', bytes: 1024 * 1024 });
      await assert.rejects(client.holdings({ authToken: guest() }), /too large/);
    } finally {
      await client.close();
    }
  });

  it("when nothing listens, fails fast with gateway_unavailable and opens that operation's circuit only", async () => {
    const states: string[] = [];
    const outcomes: string[] = [];
    const metrics: ServiceMetrics = {
      ...noopMetrics,
      upstreamCall: (operation, outcome) => {
        outcomes.push(`${operation}:${outcome}`);
      },
      circuitState: (operation, state) => {
        states.push(`${operation}:${state}`);
      },
    };
    const client = testGatewayClient('http://127.0.0.1:9', {
      metrics,
      timeoutMs: 10_000,
      breaker: { failureThreshold: 2, openMs: 60_000 },
    });
    try {
      const started = performance.now();
      await assert.rejects(
        client.createTransaction({ authToken: guest(), body: { intent: 'CONNECT' } }),
        GatewayUnavailableError,
      );
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 5000, `failed after ${elapsed} ms, not fast before the 10 s deadline`);
      await assert.rejects(client.holdings({ authToken: guest() }), GatewayUnavailableError);
      await assert.rejects(client.holdings({ authToken: guest() }), GatewayUnavailableError);
      await assert.rejects(client.holdings({ authToken: guest() }), (error) => {
        assert.ok(error instanceof GatewayUnavailableError);
        assert.ok((error.retryAfterSeconds ?? 0) > 1);
        return true;
      });
      await assert.rejects(
        client.createTransaction({ authToken: guest(), body: { intent: 'CONNECT' } }),
        GatewayUnavailableError,
      );
      assert.deepEqual(states, [
        'create_transaction:closed',
        'transaction_details:closed',
        'holdings:closed',
        'engine:closed',
        'holdings:open',
        'create_transaction:open',
      ]);
      assert.deepEqual(outcomes, [
        'create_transaction:unavailable',
        'holdings:unavailable',
        'holdings:unavailable',
        'holdings:circuit_open',
        'create_transaction:unavailable',
      ]);
    } finally {
      await client.close();
    }
  });
});
