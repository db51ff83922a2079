import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { request } from 'undici';
import { computeWebhookChecksum } from '../../src/webhooks/webhook-checksum.js';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';
import type { Reply } from './cluster-client.js';
import type { Cluster } from './cluster-harness.js';
import type { ClusterInstance } from './cluster-instance.js';

/** `POST /transactions` `CONNECT` on `instance`; returns the transaction id. */
export async function startConnect(
  cluster: Cluster,
  instance: ClusterInstance,
  userId: string,
): Promise<string> {
  const reply = await cluster.client.call(instance.url, 'POST', '/transactions', {
    userId,
    body: { intent: 'CONNECT' },
  });
  assert.equal(reply.status, 201, `POST /transactions on ${instance.name}: ${JSON.stringify(reply.body)}`);
  return reply.body.transactionId;
}

/** Plays the user finishing the flow in the SDK: the emulator marks the transaction COMPLETED. */
export async function completeInEmulator(
  cluster: Cluster,
  transactionId: string,
  smallcaseAuthId: string,
  broker = 'kite',
): Promise<void> {
  const response = await request(
    `${cluster.emulator.url}/__emulator/transactions/${transactionId}/complete`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ smallcaseAuthId, broker }),
      headersTimeout: 5000,
      bodyTimeout: 5000,
    },
  );
  const text = await response.body.text();
  assert.equal(response.statusCode, 200, `emulator complete: ${text}`);
}

/** The whole link journey on one instance: CONNECT, the user completes it, `POST /link`. */
export async function linkThrough(
  cluster: Cluster,
  instance: ClusterInstance,
  userId: string,
  smallcaseAuthId: string,
): Promise<{ transactionId: string; reply: Reply }> {
  const transactionId = await startConnect(cluster, instance, userId);
  await completeInEmulator(cluster, transactionId, smallcaseAuthId);
  const reply = await cluster.client.call(instance.url, 'POST', '/link', { userId, body: { transactionId } });
  return { transactionId, reply };
}

/** A transaction webhook as the Gateway sends it, checksummed with the apiSecret. */
export function signedTransactionWebhook(
  apiSecret: string,
  fields: { transactionId: string; smallcaseAuthId: string; broker: string },
): Record<string, unknown> {
  const timestamp = Math.floor(Date.now() / 1000);
  const checksum = computeWebhookChecksum(apiSecret, { timestamp, ...fields });
  return { ...fields, intent: 'CONNECT', status: 'COMPLETED', timestamp, checksum };
}

/** The claims of a `smallcaseAuthToken`, after checking its HS256 signature with the Gateway secret. */
export function verifiedClaims(token: string, gatewaySecret: string): jwt.JwtPayload {
  const claims = jwt.verify(token, gatewaySecret, { algorithms: ['HS256'] });
  assert.ok(typeof claims === 'object', 'token payload is an object');
  return claims;
}

/** Webhook deliveries applied and seen as duplicates, summed over `instances`' `/metrics`. */
export async function webhookOutcomes(
  cluster: Cluster,
  instances: readonly ClusterInstance[],
): Promise<{ applied: number; duplicate: number }> {
  const totals = { applied: 0, duplicate: 0 };
  for (const instance of instances) {
    const metrics = await cluster.client.call(instance.url, 'GET', '/metrics');
    const samples = parseExposition(String(metrics.body));
    for (const outcome of ['applied', 'duplicate'] as const) {
      totals[outcome] += sampleValue(samples, 'gts_webhooks_total', { outcome }) ?? 0;
    }
  }
  return totals;
}
