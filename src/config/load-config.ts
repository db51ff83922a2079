import { type Context, integer, requiredSecret } from './config-context.js';
import type { Config, LoadedConfig, NodeEnv, PartnerAuthConfig } from './config-types.js';
import { demoOrigins, parseDemoPort, parseDemoSdkUrl } from './demo-config.js';
import {
  parseEnginePaths,
  parseGatewayApiSecretPrevious,
  parseGatewayApiUrl,
  parseGatewayName,
  parseGatewaySecret,
  parseHoldingsPath,
  parseIntents,
} from './gateway-config.js';
import {
  parseCorsOrigins,
  parseMetricsPort,
  parseTrustProxy,
  separateListenerPorts,
} from './network-config.js';
import { parsePartnerAuth } from './partner-auth-config.js';
import { refusePlaceholders } from './placeholders.js';
import { type FileReader, readSecretFile } from './secret-source.js';
import { parseDatabaseUrl, parseRedisUrl } from './storage-config.js';

export { PRODUCTION_GATEWAY_API_URL } from './gateway-config.js';
export { DEFAULT_DATABASE_URL } from './storage-config.js';

/** Port of the development Gateway emulator, in-process (`npm start`) or alone (`npm run emulator`). */
export const DEFAULT_EMULATOR_PORT = 9090;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a frozen {@link Config}. Pure apart from reading `*_FILE`
 * secrets through `readFile`. `persistedSecrets` are generated development secrets kept between
 * starts, used outside production for the secrets the environment leaves unset. Throws
 * {@link ConfigError} listing every problem, one line each, naming the variable and never its value.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  readFile: FileReader = readSecretFile,
  persistedSecrets: Readonly<Record<string, string | undefined>> = {},
): LoadedConfig {
  const nodeEnv = parseNodeEnv(env.NODE_ENV);
  const ctx: Context = {
    env,
    production: nodeEnv === 'production',
    problems: [],
    warnings: [],
    developmentDefaults: [],
    readFile,
    persistedSecrets,
  };
  if (nodeEnv === undefined) ctx.problems.push('NODE_ENV: must be development, production or test');

  // Secrets first: the partner key is checked against GATEWAY_SECRET, and problems keep this order.
  const gatewaySecret = parseGatewaySecret(ctx);
  const gatewayApiSecret = requiredSecret(ctx, 'GATEWAY_API_SECRET');
  const gatewayApiSecretPrevious = parseGatewayApiSecretPrevious(ctx, gatewayApiSecret);
  const partnerAuth = parsePartnerAuth(ctx, gatewaySecret);

  const port = integer(ctx, 'PORT', 8080, 0, 65535);
  const metricsPort = parseMetricsPort(ctx, port);
  const gatewayApiUrl = parseGatewayApiUrl(ctx);
  const { demoPort, emulatorPort } = separateListenerPorts(ctx, {
    port,
    metricsPort,
    demoPort: parseDemoPort(ctx, nodeEnv),
    emulatorPort: integer(ctx, 'EMULATOR_PORT', DEFAULT_EMULATOR_PORT, 0, 65535),
    emulatorRuns: !ctx.production && gatewayApiUrl === undefined,
  });
  const config: Config = {
    nodeEnv: nodeEnv ?? 'development',
    isProduction: ctx.production,
    port,
    host: env.HOST || '0.0.0.0',
    gatewayName: parseGatewayName(ctx),
    gatewaySecret: gatewaySecret ?? '',
    gatewayApiSecret: gatewayApiSecret ?? '',
    gatewayApiSecretPrevious,
    gatewayApiUrl,
    gatewayTimeoutMs: integer(ctx, 'GATEWAY_TIMEOUT_MS', 10_000, 100, 120_000),
    gatewayHoldingsPath: parseHoldingsPath(ctx),
    gatewayEnginePaths: parseEnginePaths(ctx),
    gatewayIntents: parseIntents(ctx),
    authTokenTtlSeconds: integer(ctx, 'AUTH_TOKEN_TTL_SECONDS', 3600, 60, 86_400),
    databaseUrl: parseDatabaseUrl(ctx),
    redisUrl: parseRedisUrl(ctx),
    partnerAuth,
    corsOrigins: parseCorsOrigins(ctx, demoOrigins(demoPort)),
    trustProxy: parseTrustProxy(ctx),
    rateLimitPerMinute: integer(ctx, 'RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
    // Four days: the Gateway redelivers 15 min, 24 h and 48 h after a failure, perhaps with the first timestamp.
    webhookMaxAgeSeconds: integer(ctx, 'WEBHOOK_MAX_AGE_SECONDS', 345_600, 60, 31_536_000),
    retentionDays: integer(ctx, 'RETENTION_DAYS', 90, 1, 3650),
    metricsPort,
    metricsOnPublicPort: metricsPort === undefined && !ctx.production,
    logLevel: parseLogLevel(ctx),
    devLogin: parseDevLogin(ctx, partnerAuth),
    emulatorPort,
    demoPort,
    demoSdkUrl: parseDemoSdkUrl(ctx, demoPort),
    developmentDefaults: ctx.developmentDefaults,
  };
  refusePlaceholders(ctx, {
    GATEWAY_NAME: config.gatewayName,
    GATEWAY_SECRET: gatewaySecret,
    GATEWAY_API_SECRET: gatewayApiSecret,
    GATEWAY_API_SECRET_PREVIOUS: gatewayApiSecretPrevious,
    ...(partnerAuth.mode === 'jwt' && partnerAuth.key.kind === 'secret'
      ? { PARTNER_JWT_SECRET: partnerAuth.key.secret }
      : {}),
    ...(partnerAuth.mode === 'header' ? { PARTNER_PROXY_SECRET: partnerAuth.proxySecret } : {}),
  });
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

/**
 * Development login signs a session for any user id with the partner's HS key. On by default only
 * while that key is the generated development secret: a configured key (a real deployment that
 * forgot NODE_ENV) signs dev sessions only when DEV_LOGIN=true says so, and never in production.
 */
function parseDevLogin(ctx: Context, partnerAuth: PartnerAuthConfig): boolean {
  const raw = ctx.env.DEV_LOGIN;
  if (raw !== undefined && raw !== '' && raw !== 'true' && raw !== 'false') {
    ctx.problems.push('DEV_LOGIN: must be true or false');
    return false;
  }
  const hmacKey = partnerAuth.mode === 'jwt' && partnerAuth.key.kind === 'secret';
  const generatedKey = hmacKey && ctx.developmentDefaults.includes('PARTNER_JWT_SECRET');
  const on = raw === undefined || raw === '' ? generatedKey : raw === 'true';
  if (!on) return false;
  if (ctx.production) {
    ctx.problems.push('DEV_LOGIN: must not be true when NODE_ENV=production');
    return false;
  }
  if (!hmacKey) {
    ctx.problems.push(
      'DEV_LOGIN: needs PARTNER_AUTH=jwt with PARTNER_JWT_SECRET (dev sessions are signed with it)',
    );
    return false;
  }
  ctx.warnings.push(
    generatedKey
      ? 'DEV_LOGIN: development login is on: POST /dev/session signs a session for any user id (generated development partner secret)'
      : 'DEV_LOGIN: development login is on: POST /dev/session signs a session for any user id with the configured PARTNER_JWT_SECRET; never enable it on a reachable deployment',
  );
  return true;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
