/**
 * Secrets that may also be given as `NAME_FILE` (a path whose file holds the value).
 * Connection URLs are here because they usually carry a password.
 */
export const SECRET_VARIABLES = [
  'GATEWAY_SECRET',
  'GATEWAY_API_SECRET',
  'GATEWAY_API_SECRET_PREVIOUS',
  'PARTNER_JWT_SECRET',
  'PARTNER_JWT_PUBLIC_KEY',
  'PARTNER_PROXY_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
] as const;

const PLAIN_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'GATEWAY_NAME',
  'GATEWAY_API_URL',
  'GATEWAY_TIMEOUT_MS',
  'GATEWAY_HOLDINGS_PATH',
  'GATEWAY_ENGINE_PATHS',
  'GATEWAY_INTENTS',
  'AUTH_TOKEN_TTL_SECONDS',
  'PARTNER_AUTH',
  'PARTNER_JWKS_URL',
  'PARTNER_JWT_ISSUER',
  'PARTNER_JWT_AUDIENCE',
  'PARTNER_JWT_ALGORITHMS',
  'PARTNER_JWT_MAX_LIFETIME_SECONDS',
  'PARTNER_USER_CLAIM',
  'PARTNER_SESSION_COOKIE',
  'PARTNER_USER_HEADER',
  'CORS_ORIGINS',
  'TRUST_PROXY',
  'RATE_LIMIT_PER_MINUTE',
  'WEBHOOK_MAX_AGE_SECONDS',
  'RETENTION_DAYS',
  'METRICS_PORT',
  'LOG_LEVEL',
  'DEV_LOGIN',
  'EMULATOR_PORT',
  'DEMO_PORT',
  'DEMO_SDK_URL',
] as const;

/**
 * Every environment variable `loadConfig` reads, including the `*_FILE` form of each secret.
 * Deployment manifests are checked against this list, and a test keeps it in step with
 * the parsers in `src/config/`.
 */
export const KNOWN_ENV_VARIABLES: readonly string[] = Object.freeze([
  ...PLAIN_VARIABLES,
  ...SECRET_VARIABLES,
  ...SECRET_VARIABLES.map((name) => `${name}_FILE`),
]);
