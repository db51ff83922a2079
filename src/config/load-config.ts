import { type Context, integer, requiredSecret } from './config-context.js';
import type { Config, LoadedConfig, NodeEnv } from './config-types.js';
import { demoOrigins, parseDemoPort, parseDemoSdkUrl } from './demo-config.js';
import {
  parseEnginePaths,
  parseGatewayApiUrl,
  parseGatewayName,
  parseGatewaySecret,
  parseHoldingsPath,
} from './gateway-config.js';
import { parseCorsOrigins, parseTrustProxy } from './network-config.js';
import { parsePartnerAuth } from './partner-auth-config.js';
import { type FileReader, readSecretFile } from './secret-source.js';
import { parseDatabaseUrl, parseRedisUrl } from './storage-config.js';

export { PRODUCTION_GATEWAY_API_URL } from './gateway-config.js';
export { DEFAULT_DATABASE_URL } from './storage-config.js';

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
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

  // Secrets first: the partner key is checked against GATEWAY_SECRET, and problems keep this order.
  const gatewaySecret = parseGatewaySecret(ctx);
  const gatewayApiSecret = requiredSecret(ctx, 'GATEWAY_API_SECRET');
  const partnerAuth = parsePartnerAuth(ctx, gatewaySecret);
  const demoPort = parseDemoPort(ctx, nodeEnv);

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
    corsOrigins: parseCorsOrigins(ctx, demoOrigins(demoPort)),
    trustProxy: parseTrustProxy(ctx),
    rateLimitPerMinute: integer(ctx, 'RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
    webhookMaxAgeSeconds: integer(ctx, 'WEBHOOK_MAX_AGE_SECONDS', 259_200, 60, 31_536_000),
    logLevel: parseLogLevel(ctx),
    devLogin: parseDevLogin(ctx),
    demoPort,
    demoSdkUrl: parseDemoSdkUrl(ctx, demoPort),
    developmentDefaults: ctx.developmentDefaults,
  };
  if (ctx.problems.length > 0) throw new ConfigError(ctx.problems);
  return deepFreeze({ config, warnings: ctx.warnings });
}

function parseNodeEnv(value: string | undefined): NodeEnv | undefined {
  if (value === undefined || value === '') return 'development';
  return value === 'development' || value === 'production' || value === 'test' ? value : undefined;
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
