import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { GATEWAY_PATH_DEFAULTS } from '../gateway/gateway-paths.js';
import type { Config, LoadedConfig, NodeEnv, PartnerAuthConfig, PartnerKeySource } from './config-types.js';
import { algorithmsForPublicKey } from './partner-key-algorithms.js';
import { type FileReader, readSecret, readSecretFile } from './secret-source.js';

export const PRODUCTION_GATEWAY_API_URL = 'https://gatewayapi.smallcase.com';
export const DEFAULT_DATABASE_URL = 'sqlite:./data/gateway-token-service.db';
const MIN_SECRET_BYTES = 32;
const PARTNER_JWT_ALGORITHMS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

interface Context {
  env: NodeJS.ProcessEnv;
  production: boolean;
  problems: string[];
  warnings: string[];
  developmentDefaults: string[];
  readFile: FileReader;
}

/**
 * Parses the environment into a frozen {@link Config}. Pure apart from reading `*_FILE`
 * secrets through `readFile`. Throws {@link ConfigError} listing every problem, one line
 * each, naming the variable and never its value.
 */
export function loadConfig(env: NodeJS.ProcessEnv, readFile: FileReader = readSecretFile): LoadedConfig {
  const nodeEnv = parseNodeEnv(env.NODE_ENV);
  const ctx: Context = {
    env,
    production: nodeEnv === 'production',
    problems: [],
    warnings: [],
    developmentDefaults: [],
    readFile,
  };
  if (nodeEnv === undefined) ctx.problems.push('NODE_ENV: must be development, production or test');

  const gatewaySecret = requiredSecret(ctx, 'GATEWAY_SECRET');
  if (gatewaySecret !== undefined && Buffer.byteLength(gatewaySecret) < MIN_SECRET_BYTES) {
    ctx.warnings.push(
      `GATEWAY_SECRET is shorter than ${MIN_SECRET_BYTES} bytes; use the full secret smallcase issued`,
    );
  }
  const gatewayApiSecret = requiredSecret(ctx, 'GATEWAY_API_SECRET');
  const partnerAuth = parsePartnerAuth(ctx, gatewaySecret);

  const config: Config = {
    nodeEnv: nodeEnv ?? 'development',
    isProduction: ctx.production,
    port: integer(ctx, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    gatewayName: parseGatewayName(ctx),
    gatewaySecret: gatewaySecret ?? '',
    gatewayApiSecret: gatewayApiSecret ?? '',
    gatewayApiUrl: parseGatewayApiUrl(ctx),
    gatewayTimeoutMs: integer(ctx, 'GATEWAY_TIMEOUT_MS', 10_000, 100, 120_000),
    gatewayHoldingsPath: parseHoldingsPath(ctx),
    gatewayEnginePaths: parseEnginePaths(ctx),
    authTokenTtlSeconds: integer(ctx, 'AUTH_TOKEN_TTL_SECONDS', 3600, 60, 86_400),
    databaseUrl: parseDatabaseUrl(ctx),
    redisUrl: parseRedisUrl(ctx),
    partnerAuth,
    corsOrigins: parseCorsOrigins(ctx),
    trustProxy: parseTrustProxy(ctx),
    rateLimitPerMinute: integer(ctx, 'RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
    webhookMaxAgeSeconds: integer(ctx, 'WEBHOOK_MAX_AGE_SECONDS', 259_200, 60, 31_536_000),
    logLevel: parseLogLevel(ctx),
    devLogin: parseDevLogin(ctx),
    developmentDefaults: ctx.developmentDefaults,
  };
  if (ctx.problems.length > 0) throw new ConfigError(ctx.problems);
  return deepFreeze({ config, warnings: ctx.warnings });
}

function parseNodeEnv(value: string | undefined): NodeEnv | undefined {
  if (value === undefined || value === '') return 'development';
  return value === 'development' || value === 'production' || value === 'test' ? value : undefined;
}

function developmentSecret(ctx: Context, name: string): string | undefined {
  if (ctx.production) {
    ctx.problems.push(`${name}: required when NODE_ENV=production`);
    return undefined;
  }
  ctx.developmentDefaults.push(name);
  return randomBytes(32).toString('base64url');
}

function requiredSecret(ctx: Context, name: string): string | undefined {
  const value = readSecret(ctx.env, name, ctx.readFile, ctx.problems);
  if (value === undefined) {
    if (ctx.env[`${name}_FILE`] !== undefined) return undefined;
    return developmentSecret(ctx, name);
  }
  if (value.trim() === '') {
    ctx.problems.push(`${name}: must not be empty or whitespace`);
    return undefined;
  }
  return value;
}

function integer(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    ctx.problems.push(`${name}: must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

function parseGatewayName(ctx: Context): string {
  const raw = ctx.env.GATEWAY_NAME;
  if (raw === undefined || raw === '') {
    if (ctx.production) ctx.problems.push('GATEWAY_NAME: required when NODE_ENV=production');
    else ctx.developmentDefaults.push('GATEWAY_NAME');
    return 'gatewaydemo';
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(raw)) {
    ctx.problems.push('GATEWAY_NAME: must be 1-64 letters, digits, "-" or "_"');
  }
  return raw;
}

function parseGatewayApiUrl(ctx: Context): string | undefined {
  const raw = ctx.env.GATEWAY_API_URL;
  if (raw === undefined || raw === '') {
    if (ctx.production) return PRODUCTION_GATEWAY_API_URL;
    ctx.developmentDefaults.push('GATEWAY_API_URL');
    return undefined;
  }
  const url = parseUrl(raw);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    ctx.problems.push('GATEWAY_API_URL: must be an http(s) origin without credentials');
    return undefined;
  }
  if (ctx.production && url.protocol !== 'https:') {
    ctx.problems.push('GATEWAY_API_URL: must use https when NODE_ENV=production');
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    ctx.problems.push('GATEWAY_API_URL: must be an origin only (no path, query or fragment)');
  }
  return url.origin;
}

function parseHoldingsPath(ctx: Context): string {
  const raw = ctx.env.GATEWAY_HOLDINGS_PATH;
  if (raw === undefined || raw === '') return GATEWAY_PATH_DEFAULTS.holdings;
  if (!/^(\/[A-Za-z0-9_{}-]+)+(\?[A-Za-z0-9_.=&-]*)?$/.test(raw)) {
    ctx.problems.push(
      'GATEWAY_HOLDINGS_PATH: must be a path like /v1/{gatewayName}/engine/user/holdings?version=v2',
    );
  }
  return raw;
}

function parseEnginePaths(ctx: Context): readonly string[] {
  const raw = ctx.env.GATEWAY_ENGINE_PATHS;
  if (raw === undefined) return GATEWAY_PATH_DEFAULTS.engineReadPaths;
  const paths = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const path of paths) {
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(path)) {
      ctx.problems.push(
        `GATEWAY_ENGINE_PATHS: ${JSON.stringify(path.slice(0, 80))} is not a path like user/holdings`,
      );
    } else if (path.toLowerCase() === 'transactiondetails') {
      ctx.problems.push('GATEWAY_ENGINE_PATHS: transactiondetails is served by /transactions/:id only');
    }
  }
  return Object.freeze([...new Set(paths)]);
}

function parseDatabaseUrl(ctx: Context): string {
  const raw = readSecret(ctx.env, 'DATABASE_URL', ctx.readFile, ctx.problems);
  if (raw === undefined || raw === '') return DEFAULT_DATABASE_URL;
  if (/^sqlite:.+/.test(raw)) return raw;
  if (/^postgres(ql)?:\/\//.test(raw) && parseUrl(raw)) return raw;
  ctx.problems.push('DATABASE_URL: must be sqlite:<path> or postgres://...');
  return DEFAULT_DATABASE_URL;
}

function parseRedisUrl(ctx: Context): string | undefined {
  const raw = readSecret(ctx.env, 'REDIS_URL', ctx.readFile, ctx.problems);
  if (raw === undefined || raw === '') return undefined;
  if (!/^rediss?:\/\//.test(raw) || !parseUrl(raw)) {
    ctx.problems.push('REDIS_URL: must be redis://... or rediss://...');
    return undefined;
  }
  return raw;
}

function parsePartnerAuth(ctx: Context, gatewaySecret: string | undefined): PartnerAuthConfig {
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

function weakSecret(ctx: Context, name: string): void {
  const message = `${name}: must be at least ${MIN_SECRET_BYTES} bytes`;
  if (ctx.production) ctx.problems.push(message);
  else ctx.warnings.push(`${message} (allowed outside production)`);
}

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
    return { kind: 'secret', secret: developmentSecret(ctx, 'PARTNER_JWT_SECRET') ?? '' };
  }
  if (secret.trim() === '') ctx.problems.push('PARTNER_JWT_SECRET: must not be empty or whitespace');
  else if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) weakSecret(ctx, 'PARTNER_JWT_SECRET');
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

function parseClaimName(ctx: Context): string {
  const raw = ctx.env.PARTNER_USER_CLAIM || 'sub';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(raw)) ctx.problems.push('PARTNER_USER_CLAIM: must be a claim name');
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

function parseCorsOrigins(ctx: Context): readonly string[] {
  const raw = ctx.env.CORS_ORIGINS ?? '';
  const origins: string[] = [];
  for (const entry of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const url = entry === '*' || entry === 'null' ? undefined : parseUrl(entry);
    if (!url || url.origin !== entry || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      ctx.problems.push(
        `CORS_ORIGINS: ${JSON.stringify(entry.slice(0, 80))} is not an exact origin like https://app.example.com`,
      );
      continue;
    }
    origins.push(url.origin);
  }
  return Object.freeze(origins);
}

function parseTrustProxy(ctx: Context): false | number | readonly string[] {
  const raw = (ctx.env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops >= 1 && hops <= 10) return hops;
  }
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const valid = entries.every((entry) => named.has(entry) || isAddressOrCidr(entry));
  if (raw === 'true' || !valid || entries.length === 0) {
    ctx.problems.push(
      'TRUST_PROXY: must be a hop count (1-10) or a list of proxy addresses/CIDRs; true is refused',
    );
    return false;
  }
  return Object.freeze(entries);
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

function parseLogLevel(ctx: Context): string {
  const raw = ctx.env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.has(raw)) ctx.problems.push(`LOG_LEVEL: must be one of ${[...LOG_LEVELS].join(', ')}`);
  return raw;
}

function parseDevLogin(ctx: Context): boolean {
  const raw = ctx.env.DEV_LOGIN;
  if (raw === undefined || raw === '') return !ctx.production;
  if (raw !== 'true' && raw !== 'false') {
    ctx.problems.push('DEV_LOGIN: must be true or false');
    return false;
  }
  if (raw === 'true' && ctx.production)
    ctx.problems.push('DEV_LOGIN: must not be true when NODE_ENV=production');
  return raw === 'true';
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
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

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}
