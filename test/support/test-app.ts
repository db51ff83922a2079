import { createSecretKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { type AppDeps, createApp } from '../../src/app.js';
import type { Config } from '../../src/config/config-types.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createGatewayClientFor } from '../../src/gateway/gateway-from-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createPartnerAuthenticator } from '../../src/partner-auth/create-partner-authenticator.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { createTokenMinter } from '../../src/tokens/token-minter.js';
import { CANARY } from './canaries.js';
import { createLogCapture, rememberToken } from './log-capture.js';

/** The environment every test app starts from: canary secrets, test mode, an explicit store. */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    GATEWAY_NAME: 'gatewaytest',
    GATEWAY_SECRET: CANARY.gatewaySecret,
    GATEWAY_API_SECRET: CANARY.gatewayApiSecret,
    GATEWAY_API_URL: 'http://127.0.0.1:9',
    PARTNER_JWT_SECRET: CANARY.partnerJwtSecret,
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

export function tempSqlitePath(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gts-test-'));
  return { path: join(dir, 'store.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestApp {
  readonly app: ReturnType<typeof createApp>;
  readonly config: Config;
  readonly store: Store;
  readonly rawStore: Store;
  /** Signs a partner session JWT for `userId` with the test partner secret; the leak check watches for it. */
  session(userId: string, claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

/**
 * Builds the real app over a temp SQLite file, logging into the capture that the
 * end-of-file leak check reads. `deps` overrides any dependency.
 */
export function buildTestApp(options: { env?: NodeJS.ProcessEnv; deps?: Partial<AppDeps> } = {}): TestApp {
  const { config } = loadConfig(testEnv(options.env));
  const sqlite = tempSqlitePath();
  const rawStore = createSqliteStore(sqlite.path);
  // Like main.ts: SQLite gets no deadline (its calls are synchronous).
  const store = rawStore;
  // Tests reach the emulator by setting GATEWAY_API_URL to its URL (or pass `deps.gateway`).
  const ownsGateway = options.deps?.gateway === undefined;
  const gateway =
    options.deps?.gateway ??
    createGatewayClientFor(config, {
      baseUrl: config.gatewayApiUrl ?? 'http://127.0.0.1:9',
      ...(options.deps?.metrics ? { metrics: options.deps.metrics } : {}),
    });
  const deps: AppDeps = {
    config,
    logger: createLogger({ level: config.logLevel, destination: createLogCapture() }),
    store,
    partnerAuthenticator: createPartnerAuthenticator(config.partnerAuth),
    tokenMinter: createTokenMinter({
      gatewaySecret: config.gatewaySecret,
      ttlSeconds: config.authTokenTtlSeconds,
    }),
    ...options.deps,
    gateway,
  };
  const partnerKey = createSecretKey(Buffer.from(CANARY.partnerJwtSecret));
  return {
    app: createApp(deps),
    config,
    store,
    rawStore,
    session: (userId, claims = {}) => {
      const token = jwt.sign({ sub: userId, ...claims }, partnerKey, { algorithm: 'HS256', expiresIn: 600 });
      rememberToken(token);
      return token;
    },
    async close() {
      if (ownsGateway) await gateway.close();
      await rawStore.close();
      sqlite.cleanup();
    },
  };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
