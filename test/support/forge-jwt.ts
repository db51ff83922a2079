import { createHmac } from 'node:crypto';

function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** An HS* JWT signed by hand over any header and payload, keyed with arbitrary bytes (attack tokens). */
export function forgeHmacJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: string | Buffer,
  hash: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): string {
  const signingInput = `${segment(header)}.${segment(payload)}`;
  return `${signingInput}.${createHmac(hash, key).update(signingInput).digest('base64url')}`;
}

/** An `alg: none` JWT with the given trailing signature segment (empty by the spec). */
export function forgeUnsignedJwt(payload: Record<string, unknown>, signature = ''): string {
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment(payload)}.${signature}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
