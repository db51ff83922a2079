import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  type Context,
  developmentSecret,
  integer,
  MIN_SECRET_BYTES,
  parseUrl,
  weakSecret,
} from './config-context.js';
import type { PartnerAuthConfig, PartnerKeySource } from './config-types.js';
import { ASYMMETRIC_ALGORITHMS, algorithmsForPublicKey, HMAC_ALGORITHMS } from './partner-key-algorithms.js';
import { readSecret } from './secret-source.js';

const PARTNER_JWT_ALGORITHMS = new Set([...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS]);

// A production start with no partner key at all: say every way of giving one, not just the first.
const MISSING_PARTNER_KEY =
  'PARTNER_JWT_SECRET: required when NODE_ENV=production, unless PARTNER_JWT_PUBLIC_KEY or PARTNER_JWKS_URL ' +
  'is set instead, or PARTNER_AUTH=header with PARTNER_USER_HEADER and PARTNER_PROXY_SECRET (an auth proxy)';

/** Reads PARTNER_AUTH and the PARTNER_* settings of the chosen mode (jwt by default, or header). */
export function parsePartnerAuth(ctx: Context, gatewaySecret: string | undefined): PartnerAuthConfig {
  const mode = ctx.env.PARTNER_AUTH || 'jwt';
  if (mode === 'header') return parseHeaderAuth(ctx);
  if (mode !== 'jwt') ctx.problems.push('PARTNER_AUTH: must be jwt or header');
  const key = parsePartnerKey(ctx, gatewaySecret);
  return {
    mode: 'jwt',
    key,
    issuer: ctx.env.PARTNER_JWT_ISSUER || undefined,
    audience: ctx.env.PARTNER_JWT_AUDIENCE || undefined,
    algorithms: parseAlgorithms(ctx, key),
    userClaim: parseClaimName(ctx),
    sessionCookie: parseCookieName(ctx),
    maxLifetimeSeconds: integer(ctx, 'PARTNER_JWT_MAX_LIFETIME_SECONDS', 2_592_000, 60, 31_536_000),
  };
}

function parseHeaderAuth(ctx: Context): PartnerAuthConfig {
  const userHeader = (ctx.env.PARTNER_USER_HEADER ?? '').toLowerCase();
  if (!/^[a-z0-9-]{1,64}$/.test(userHeader)) {
    ctx.problems.push('PARTNER_USER_HEADER: required with PARTNER_AUTH=header (a header name)');
  }
  if (['authorization', 'cookie', 'host', 'x-partner-proxy-secret'].includes(userHeader)) {
    ctx.problems.push('PARTNER_USER_HEADER: must be a dedicated identity header');
  }
  const read = readSecret(ctx.env, 'PARTNER_PROXY_SECRET', ctx.readFile, ctx.problems);
  const proxySecret = read ?? '';
  // An unreadable PARTNER_PROXY_SECRET_FILE (or both forms set) is already reported.
  if (read === undefined && ctx.env.PARTNER_PROXY_SECRET_FILE !== undefined) {
    return { mode: 'header', userHeader, proxySecret };
  }
  if (proxySecret.trim() === '') {
    ctx.problems.push('PARTNER_PROXY_SECRET: required with PARTNER_AUTH=header');
  } else if (Buffer.byteLength(proxySecret) < MIN_SECRET_BYTES) {
    weakSecret(ctx, 'PARTNER_PROXY_SECRET');
  }
  return { mode: 'header', userHeader, proxySecret };
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----/;

function parsePartnerKey(ctx: Context, gatewaySecret: string | undefined): PartnerKeySource {
  const secret = readSecret(ctx.env, 'PARTNER_JWT_SECRET', ctx.readFile, ctx.problems);
  const pem = readSecret(ctx.env, 'PARTNER_JWT_PUBLIC_KEY', ctx.readFile, ctx.problems);
  const jwksUrl = ctx.env.PARTNER_JWKS_URL || undefined;
  const given = [secret, pem, jwksUrl].filter((value) => value !== undefined && value !== '');
  if (given.length > 1) {
    ctx.problems.push('PARTNER_JWT_SECRET, PARTNER_JWT_PUBLIC_KEY, PARTNER_JWKS_URL: set exactly one');
  }
  if (pem) {
    const publicKey = parsePublicKey(pem);
    if (!publicKey || !algorithmsForPublicKey(publicKey)) {
      ctx.problems.push('PARTNER_JWT_PUBLIC_KEY: must be a PEM RSA, EC (P-256/384/521) or EdDSA public key');
    }
    return { kind: 'public-key', pem };
  }
  if (jwksUrl) {
    const url = parseUrl(jwksUrl);
    if (!url || !(url.protocol === 'https:' || (!ctx.production && url.protocol === 'http:'))) {
      ctx.problems.push('PARTNER_JWKS_URL: must be an https URL');
    }
    return { kind: 'jwks', url: jwksUrl };
  }
  if (secret === undefined || secret === '') {
    // An unreadable PARTNER_JWT_SECRET_FILE is already a problem; a default would only add noise.
    if (ctx.env.PARTNER_JWT_SECRET_FILE !== undefined && secret === undefined)
      return { kind: 'secret', secret: '' };
    return {
      kind: 'secret',
      secret: developmentSecret(ctx, 'PARTNER_JWT_SECRET', MISSING_PARTNER_KEY) ?? '',
    };
  }
  if (secret.trim() === '') ctx.problems.push('PARTNER_JWT_SECRET: must not be empty or whitespace');
  else if (PEM_BLOCK.test(secret)) {
    // An identity provider's public key pasted as the HMAC secret lets anyone who has it sign sessions.
    ctx.problems.push(
      'PARTNER_JWT_SECRET: holds a PEM key; a public key goes in PARTNER_JWT_PUBLIC_KEY (as an HS256 secret, anyone who has it could sign sessions)',
    );
  } else if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) weakSecret(ctx, 'PARTNER_JWT_SECRET');
  if (gatewaySecret !== undefined && secret === gatewaySecret) {
    ctx.problems.push('PARTNER_JWT_SECRET: must differ from GATEWAY_SECRET');
  }
  return { kind: 'secret', secret };
}

function parseAlgorithms(ctx: Context, key: PartnerKeySource): readonly string[] | undefined {
  const raw = ctx.env.PARTNER_JWT_ALGORITHMS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const algorithms = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const algorithm of algorithms) {
    if (!PARTNER_JWT_ALGORITHMS.has(algorithm)) {
      ctx.problems.push(`PARTNER_JWT_ALGORITHMS: ${JSON.stringify(algorithm.slice(0, 16))} is not allowed`);
    }
  }
  const symmetric = algorithms.filter((algorithm) => algorithm.startsWith('HS'));
  if (key.kind === 'secret' && symmetric.length !== algorithms.length) {
    ctx.problems.push('PARTNER_JWT_ALGORITHMS: only HS256/HS384/HS512 fit PARTNER_JWT_SECRET');
  }
  if (key.kind !== 'secret' && symmetric.length > 0) {
    ctx.problems.push('PARTNER_JWT_ALGORITHMS: HS* algorithms need PARTNER_JWT_SECRET, not a public key');
  }
  const publicKey = key.kind === 'public-key' ? parsePublicKey(key.pem) : undefined;
  const fitting = publicKey ? algorithmsForPublicKey(publicKey) : undefined;
  if (fitting && symmetric.length === 0 && !algorithms.every((algorithm) => fitting.includes(algorithm))) {
    ctx.problems.push(`PARTNER_JWT_ALGORITHMS: this PARTNER_JWT_PUBLIC_KEY fits only ${fitting.join(', ')}`);
  }
  return Object.freeze(algorithms);
}

// Registered claims have their own meaning, and the last two mark our own smallcaseAuthTokens.
const RESERVED_CLAIMS = new Set(['exp', 'iat', 'nbf', 'iss', 'aud', 'jti', 'guest', 'smallcaseAuthId']);

function parseClaimName(ctx: Context): string {
  const raw = ctx.env.PARTNER_USER_CLAIM || 'sub';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(raw)) ctx.problems.push('PARTNER_USER_CLAIM: must be a claim name');
  else if (RESERVED_CLAIMS.has(raw)) ctx.problems.push(`PARTNER_USER_CLAIM: ${raw} is a reserved claim`);
  return raw;
}

function parseCookieName(ctx: Context): string | undefined {
  const raw = ctx.env.PARTNER_SESSION_COOKIE;
  if (raw === undefined || raw === '') return undefined;
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/.test(raw)) {
    ctx.problems.push('PARTNER_SESSION_COOKIE: must be a cookie name');
  }
  return raw;
}

function parsePublicKey(pem: string): KeyObject | undefined {
  // createPublicKey would derive a public key from a private one; a private key here is a leak.
  if (pem.includes('PRIVATE KEY')) return undefined;
  try {
    const key = createPublicKey(pem);
    return key.type === 'public' ? key : undefined;
  } catch {
    return undefined;
  }
}
