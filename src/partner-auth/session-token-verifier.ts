import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import type { PartnerKeySource } from '../config/config-types.js';
import {
  ASYMMETRIC_ALGORITHMS,
  algorithmsForPublicKey,
  HMAC_ALGORITHMS,
} from '../config/partner-key-algorithms.js';
import { checkSessionClaims, type VerifiedToken } from './session-claims-policy.js';
import { explainVerificationFailure } from './verification-failure.js';

/** Verifies a partner session JWT and returns its claims, or throws `SessionRefusedError`. */
export type SessionTokenVerifier = (token: string) => Promise<Record<string, unknown>>;

type SignatureVerifier = (token: string) => Promise<VerifiedToken>;

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
  maxLifetimeSeconds: number;
}

const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Builds the verifier for the configured key. Static keys (HS secret, RSA/EC PEM) use
 * jsonwebtoken with a KeyObject made once (a few microseconds per call); EdDSA keys and JWKS
 * URLs use jose, which supports them. Both pin the algorithms; the rules neither library
 * enforces (`exp` required, lifetime, `iat`, `crit`) are checked the same way for every key.
 */
export function createSessionTokenVerifier(options: SessionTokenVerifierOptions): SessionTokenVerifier {
  const { verify, algorithms, keyVariable } = createSignatureVerifier(options);
  const expected = { algorithms, issuer: options.issuer, audience: options.audience, keyVariable };
  const policy = {
    maxLifetimeSeconds: options.maxLifetimeSeconds,
    clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
  };
  return async (token) => {
    let verified: VerifiedToken;
    try {
      verified = await verify(token);
    } catch (error) {
      throw explainVerificationFailure(error, token, expected);
    }
    checkSessionClaims(verified, policy);
    return verified.payload;
  };
}

function createSignatureVerifier(options: SessionTokenVerifierOptions): {
  verify: SignatureVerifier;
  algorithms: readonly string[];
  keyVariable: string;
} {
  const { key } = options;
  if (key.kind === 'secret') {
    const secret = createSecretKey(Buffer.from(key.secret, 'utf8'));
    const algorithms = options.algorithms ?? HMAC_ALGORITHMS;
    return {
      verify: createStaticKeyVerifier(secret, algorithms, options),
      algorithms,
      keyVariable: 'PARTNER_JWT_SECRET',
    };
  }
  if (key.kind === 'public-key') {
    const publicKey = createPublicKey(key.pem);
    const algorithms = options.algorithms ?? algorithmsForPublicKey(publicKey);
    if (!algorithms) throw new Error(`unsupported partner public key type: ${publicKey.asymmetricKeyType}`);
    const eddsa = publicKey.asymmetricKeyType === 'ed25519' || publicKey.asymmetricKeyType === 'ed448';
    const verify = eddsa
      ? createJoseVerifier(publicKey, algorithms, options)
      : createStaticKeyVerifier(publicKey, algorithms, options);
    return { verify, algorithms, keyVariable: 'PARTNER_JWT_PUBLIC_KEY' };
  }
  const keySet = createRemoteJWKSet(new URL(key.url), {
    timeoutDuration: options.jwksTimeoutMs ?? 5000,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
  });
  const algorithms = options.algorithms ?? ASYMMETRIC_ALGORITHMS;
  return {
    verify: createJoseVerifier(keySet, algorithms, options),
    algorithms,
    keyVariable: 'PARTNER_JWKS_URL',
  };
}

function createStaticKeyVerifier(
  key: KeyObject,
  algorithms: readonly string[],
  options: SessionTokenVerifierOptions,
): SignatureVerifier {
  const verifyOptions: jwt.VerifyOptions & { complete: true } = {
    complete: true,
    algorithms: [...algorithms] as jwt.Algorithm[],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };
  return async (token) => {
    const { header, payload } = jwt.verify(token, key, verifyOptions);
    // A string payload (a signed non-JSON body) is no claims set.
    if (typeof payload !== 'object' || payload === null) throw new Error('claims are not a JSON object');
    return {
      header: header as unknown as Record<string, unknown>,
      payload: payload as Record<string, unknown>,
    };
  };
}

function createJoseVerifier(
  key: KeyObject | JWTVerifyGetKey,
  algorithms: readonly string[],
  options: SessionTokenVerifierOptions,
): SignatureVerifier {
  const verifyOptions = {
    algorithms: [...algorithms],
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };
  return async (token) => {
    const { payload, protectedHeader } =
      typeof key === 'function'
        ? await jwtVerify(token, key, verifyOptions)
        : await jwtVerify(token, key, verifyOptions);
    return {
      header: protectedHeader as Record<string, unknown>,
      payload: payload as Record<string, unknown>,
    };
  };
}
