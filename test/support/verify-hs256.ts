import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

/**
 * Verifies an HS256 compact JWS by hand with node:crypto, independently of the code (and the JWT
 * library) that signed it, and returns its decoded header and payload.
 */
export function verifyHs256(
  token: string,
  secret: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split('.');
  assert.equal(parts.length, 3, 'three JWS segments');
  const [header = '', payload = '', signature = ''] = parts;
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  assert.equal(signature, expected, 'HMAC-SHA256 over header.payload with the Gateway secret');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}
