import { createHash, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';

/** Who the `x-gateway-authtoken` says the caller is. */
export type EmulatorPrincipal = { kind: 'guest' } | { kind: 'connected'; smallcaseAuthId: string };

const GUEST_KEYS = new Set(['guest', 'iat', 'exp']);
const CONNECTED_KEYS = new Set(['smallcaseAuthId', 'iat', 'exp']);

function sameSecret(received: unknown, expected: string): boolean {
  if (typeof received !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(received), digest(expected));
}

/** Accepts only HS256 tokens with exactly `{guest:true,iat?,exp?}` or `{smallcaseAuthId,iat?,exp?}`. */
export function verifyGatewayToken(token: unknown, secret: string): EmulatorPrincipal | undefined {
  if (typeof token !== 'string' || token.length > 4096) return undefined;
  let payload: unknown;
  try {
    payload = jwt.verify(token, createSecretKey(Buffer.from(secret, 'utf8')), { algorithms: ['HS256'] });
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const claims = payload as Record<string, unknown>;
  const keys = Object.keys(claims);
  const timesOk = ['iat', 'exp'].every((key) => claims[key] === undefined || Number.isInteger(claims[key]));
  if (!timesOk) return undefined;
  if (claims.guest === true && keys.every((key) => GUEST_KEYS.has(key))) return { kind: 'guest' };
  const id = claims.smallcaseAuthId;
  if (
    typeof id === 'string' &&
    /^[A-Za-z0-9_-]{1,128}$/.test(id) &&
    keys.every((key) => CONNECTED_KEYS.has(key))
  ) {
    return { kind: 'connected', smallcaseAuthId: id };
  }
  return undefined;
}

/** Rejects a wrong gateway name, `x-gateway-secret` or JWT the way the Gateway does. */
export function createEmulatorAuth(options: {
  gatewayName: string;
  gatewaySecret: string;
  apiSecret: string;
}): RequestHandler {
  return (req, res, next) => {
    const gateway = req.params.gatewayName;
    if (gateway !== options.gatewayName) {
      res.status(400).json({ success: false, errors: ['invalid gateway'], data: null });
      return;
    }
    if (!sameSecret(req.headers['x-gateway-secret'], options.apiSecret)) {
      res
        .status(401)
        .json({ success: false, errors: ['Invalid gateway secret'], data: null, errorType: 'AccessDenied' });
      return;
    }
    const principal = verifyGatewayToken(req.headers['x-gateway-authtoken'], options.gatewaySecret);
    if (!principal) {
      res
        .status(401)
        .json({ success: false, errors: ['Invalid JWT'], data: null, errorType: 'AccessDenied' });
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(locals: Record<string, unknown>): EmulatorPrincipal {
  return locals.principal as EmulatorPrincipal;
}
