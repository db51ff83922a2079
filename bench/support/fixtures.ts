import { createSecretKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Fresh strong secrets per run: the service refuses nothing, and nothing real is ever used. */
export interface BenchSecrets {
  readonly gatewaySecret: string;
  readonly gatewayApiSecret: string;
  readonly partnerJwtSecret: string;
}

export function createBenchSecrets(): BenchSecrets {
  const secret = () => randomBytes(48).toString('base64url');
  return { gatewaySecret: secret(), gatewayApiSecret: secret(), partnerJwtSecret: secret() };
}

export const BENCH_GATEWAY_NAME = 'benchgateway';

/** A partner session JWT as a partner's login system would issue it (HS256, `sub`, one hour). */
export function signPartnerSession(secrets: BenchSecrets, userId: string): string {
  const key = createSecretKey(Buffer.from(secrets.partnerJwtSecret, 'utf8'));
  return jwt.sign({ sub: userId }, key, { algorithm: 'HS256', expiresIn: '1h' });
}

/** A connected-user `smallcaseAuthToken`, for calling the emulator directly. */
export function signGatewayAuthToken(secrets: BenchSecrets, smallcaseAuthId: string): string {
  const key = createSecretKey(Buffer.from(secrets.gatewaySecret, 'utf8'));
  return jwt.sign({ smallcaseAuthId }, key, { algorithm: 'HS256', expiresIn: '1h' });
}

export interface ServiceEnvOptions {
  readonly secrets: BenchSecrets;
  readonly port: number;
  readonly databaseUrl: string;
  readonly gatewayApiUrl: string;
}

/**
 * The service's environment: development mode (production needs real secrets) but with
 * explicit secrets, a rate limit high enough not to trip, the normal log level, and nothing
 * inherited that could change behaviour (such as a developer's REDIS_URL).
 */
export function serviceEnv(options: ServiceEnvOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    GATEWAY_NAME: BENCH_GATEWAY_NAME,
    GATEWAY_SECRET: options.secrets.gatewaySecret,
    GATEWAY_API_SECRET: options.secrets.gatewayApiSecret,
    GATEWAY_API_URL: options.gatewayApiUrl,
    PARTNER_JWT_SECRET: options.secrets.partnerJwtSecret,
    DATABASE_URL: options.databaseUrl,
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DEV_LOGIN: 'false',
  };
}
