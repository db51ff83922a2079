import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import type { PartnerKeySource } from '../config/config-types.js';
import {
  ASYMMETRIC_ALGORITHMS,
  algorithmsForPublicKey,
  HMAC_ALGORITHMS,
} from '../config/partner-key-algorithms.js';

/** Verifies a partner session JWT and returns its claims, or throws. */
export type SessionTokenVerifier = (token: string) => Promise<Record<string, unknown>>;

export interface JwksTuning {
  jwksTimeoutMs?: number;
  jwksCooldownMs?: number;
  jwksCacheMaxAgeMs?: number;
}

export interface SessionTokenVerifierOptions extends JwksTuning {
  key: PartnerKeySource;
  algorithms: readonly string[] | undefined;
  issuer: string | undefined;
  audience: string | undefined;
}

const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Builds the verifier for the configured key. Static keys (HS secret, RSA/EC PEM) use
 * jsonwebtoken with a KeyObject made once (a few microseconds per call); EdDSA keys and JWKS
 * URLs use jose, which supports them. Both pin the algorithms and require `exp`.
 */
export function createSessionTokenVerifier(options: SessionTokenVerifierOptions): SessionTokenVerifier {
  const { key } = options;
  if (key.kind === 'secret') {
    const secret = createSecretKey(Buffer.from(key.secret, 'utf8'));
    return createStaticKeyVerifier(secret, options.algorithms ?? HMAC_ALGORITHMS, options);
  }
  if (key.kind === 'public-key') {
    const publicKey = createPublicKey(key.pem);
    const algorithms = options.algorithms ?? algorithmsForPublicKey(publicKey);
    if (!algorithms) throw new Error(`unsupported partner public key type: ${publicKey.asymmetricKeyType}`);
    if (publicKey.asymmetricKeyType === 'ed25519' || publicKey.asymmetricKeyType === 'ed448') {
      return createJoseVerifier(publicKey, algorithms, options);
    }
    return createStaticKeyVerifier(publicKey, algorithms, options);
  }
  const keySet = createRemoteJWKSet(new URL(key.url), {
    timeoutDuration: options.jwksTimeoutMs ?? 5000,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
  });
  return createJoseVerifier(keySet, options.algorithms ?? ASYMMETRIC_ALGORITHMS, options);
}

function createStaticKeyVerifier(
  key: KeyObject,
  algorithms: readonly string[],
  options: SessionTokenVerifierOptions,
): SessionTokenVerifier {
  const verifyOptions: jwt.VerifyOptions & { complete?: false } = {
    algorithms: [...algorithms] as jwt.Algorithm[],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };
  return async (token) => {
    const payload = jwt.verify(token, key, verifyOptions);
    // jsonwebtoken accepts tokens without `exp`; a session that never expires is not a session.
    if (typeof payload !== 'object' || payload === null || typeof payload.exp !== 'number') {
      throw new Error('session token has no exp');
    }
    return payload as Record<string, unknown>;
  };
}

function createJoseVerifier(
  key: KeyObject | JWTVerifyGetKey,
  algorithms: readonly string[],
  options: SessionTokenVerifierOptions,
): SessionTokenVerifier {
  const verifyOptions = {
    algorithms: [...algorithms],
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };
  return async (token) => {
    const { payload } =
      typeof key === 'function'
        ? await jwtVerify(token, key, verifyOptions)
        : await jwtVerify(token, key, verifyOptions);
    return payload as Record<string, unknown>;
  };
}
