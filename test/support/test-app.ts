import { createSecretKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import { createApp } from '../../src/app.js';
import { createServices, type Infrastructure, type Services } from '../../src/composition.js';
import type { Config } from '../../src/config/config-types.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
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

function openTempSqliteStore(): { store: Store; closeStore(): Promise<void> } {
  const file = tempSqlitePath();
  const store = createSqliteStore(file.path);
  return {
    store,
    async closeStore() {
      await store.close();
      file.cleanup();
    },
  };
}

/** Infrastructure a test may choose; config and logger always come from `env` and the log capture. */
export type TestInfrastructure = Partial<Omit<Infrastructure, 'config' | 'logger'>>;

// The discard port, closed on a test machine: a test that forgets the emulator fails fast with a refusal.
const NO_GATEWAY = 'http://127.0.0.1:9';

export interface TestApp {
  readonly app: Express;
  readonly config: Config;
  readonly services: Services;
  /** The store the app runs on (the test's own, or a temp SQLite file), with its wrappers: seed it, or close it to play an outage. */
  readonly store: Store;
  /** Signs a partner session JWT for `userId` with the test partner secret; the leak check watches for it. */
  session(userId: string, claims?: Record<string, unknown>): string;
  /** Closes what the test app opened; a store passed in `deps` stays the test's to close. */
  close(): Promise<void>;
}

/**
 * Builds the real app through the composition root, over a temp SQLite file unless `deps.store`
 * is given, logging into the capture that the end-of-file leak check reads.
 */
export function buildTestApp(options: { env?: NodeJS.ProcessEnv; deps?: TestInfrastructure } = {}): TestApp {
  const { config } = loadConfig(testEnv(options.env));
  const { store, closeStore } = options.deps?.store
    ? { store: options.deps.store, closeStore: async () => {} }
    : openTempSqliteStore();
  // Tests reach the emulator by setting GATEWAY_API_URL to its URL.
  const services = createServices({
    config,
    logger: createLogger({ level: config.logLevel, destination: createLogCapture() }),
    gatewayBaseUrl: config.gatewayApiUrl ?? NO_GATEWAY,
    ...options.deps,
    store,
  });
  const partnerKey = createSecretKey(Buffer.from(CANARY.partnerJwtSecret));
  return {
    app: createApp(services),
    config,
    services,
    store: services.store,
    session: (userId, claims = {}) => {
      const token = jwt.sign({ sub: userId, ...claims }, partnerKey, { algorithm: 'HS256', expiresIn: 600 });
      rememberToken(token);
      return token;
    },
    async close() {
      await services.close();
      await closeStore();
    },
  };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
