import { existsSync } from 'node:fs';
import { BENCH_GATEWAY_NAME, serviceEnv, signGatewayAuthToken } from './support/fixtures.js';
import {
  BARE_SERVER_ENTRY,
  EMULATOR_ENTRY,
  EXPRESS_SERVER_ENTRY,
  type Launched,
  launch,
  SERVICE_ENTRY,
  TSX_LOADER,
} from './support/launch.js';
import type { BenchContext, Scenario, Started } from './support/scenario.js';

// Nothing listens here: /auth-token never calls the upstream.
export const NO_UPSTREAM = 'http://127.0.0.1:9';

function single(target: Launched): Started {
  return { target, stop: () => target.stop() };
}

function startBare(context: BenchContext, mode: 'json' | 'limit' | 'express'): Promise<Started> {
  return launch({
    name: `bare-${mode}`,
    args: ['--import', TSX_LOADER, mode === 'express' ? EXPRESS_SERVER_ENTRY : BARE_SERVER_ENTRY],
    env: (port) => ({
      PATH: process.env.PATH,
      PORT: String(port),
      BARE_MODE: mode,
      SQLITE_PATH: context.sqlitePath,
      PARTNER_JWT_SECRET: context.secrets.partnerJwtSecret,
      GATEWAY_SECRET: context.secrets.gatewaySecret,
      GATEWAY_NAME: BENCH_GATEWAY_NAME,
    }),
    readyPath: '/readyz',
    cpus: context.cores.server,
    workDir: context.workDir,
  }).then(single);
}

// Extra node flags for the service, to try V8 settings: BENCH_SERVICE_NODE_ARGS="--max-semi-space-size=4".
const SERVICE_NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Starts the built service (`dist/main.js`) as production runs it, bar NODE_ENV and secrets. */
export function startService(
  context: BenchContext,
  options: {
    name: string;
    databaseUrl: string;
    gatewayApiUrl: string;
    nodeArgs?: readonly string[];
    extraEnv?: NodeJS.ProcessEnv;
  },
): Promise<Started> {
  return launch({
    name: options.name,
    args: [...SERVICE_NODE_ARGS, ...(options.nodeArgs ?? []), SERVICE_ENTRY],
    env: (port) => ({
      ...serviceEnv({
        secrets: context.secrets,
        port,
        databaseUrl: options.databaseUrl,
        gatewayApiUrl: options.gatewayApiUrl,
      }),
      ...options.extraEnv,
    }),
    readyPath: '/readyz',
    cpus: context.cores.server,
    workDir: context.workDir,
  }).then(single);
}

const authTokenRequest = (context: BenchContext) => ({
  path: '/auth-token',
  method: 'POST' as const,
  headers: { authorization: `Bearer ${context.sessionToken}` },
});

export const bareJson: Scenario = {
  id: 'bare-http-json',
  title: 'node:http answering constant JSON (reference: the cost of HTTP alone)',
  halfRate: false,
  start: (context) => startBare(context, 'json'),
  request: () => ({ path: '/', method: 'GET', headers: {} }),
};

export const bareLimit: Scenario = {
  id: 'bare-limit',
  title: 'node:http + HMAC verify + better-sqlite3 lookup + HMAC sign (the limit for /auth-token)',
  halfRate: true,
  start: (context) => startBare(context, 'limit'),
  request: authTokenRequest,
};

export const expressLimit: Scenario = {
  id: 'express-limit',
  title: 'the same work in Express 5 without middleware (reference: the framework alone)',
  baselineId: 'bare-limit',
  halfRate: false,
  start: (context) => startBare(context, 'express'),
  request: authTokenRequest,
};

export const authTokenSqlite: Scenario = {
  id: 'auth-token-sqlite',
  title: 'POST /auth-token, linked user, SQLite store, full middleware stack',
  baselineId: 'bare-limit',
  frameworkId: 'express-limit',
  halfRate: true,
  start: (context) =>
    startService(context, {
      name: 'service-sqlite',
      databaseUrl: `sqlite:${context.sqlitePath}`,
      gatewayApiUrl: NO_UPSTREAM,
    }),
  request: authTokenRequest,
};

export const authTokenSqliteQuietLogs: Scenario = {
  id: 'auth-token-sqlite-log-warn',
  title: 'the same with LOG_LEVEL=warn (reference: what the per-request log line costs)',
  baselineId: 'bare-limit',
  frameworkId: 'express-limit',
  halfRate: false,
  start: (context) =>
    startService(context, {
      name: 'service-sqlite-log-warn',
      databaseUrl: `sqlite:${context.sqlitePath}`,
      gatewayApiUrl: NO_UPSTREAM,
      extraEnv: { LOG_LEVEL: 'warn' },
    }),
  request: authTokenRequest,
};

/** Needs the Postgres link row written beforehand (see run.ts); skipped without TEST_DATABASE_URL. */
export function authTokenPostgres(
  databaseUrl: string | undefined,
  prepareError: string | undefined,
): Scenario {
  return {
    id: 'auth-token-postgres',
    title: 'POST /auth-token, linked user, PostgreSQL store (TEST_DATABASE_URL)',
    baselineId: 'bare-limit',
    frameworkId: 'express-limit',
    halfRate: true,
    skipWhenStartFails: true,
    skipReason: () =>
      databaseUrl === undefined
        ? 'TEST_DATABASE_URL is not set'
        : prepareError && `could not prepare PostgreSQL: ${prepareError}`,
    start: (context) =>
      startService(context, {
        name: 'service-postgres',
        databaseUrl: databaseUrl ?? '',
        gatewayApiUrl: NO_UPSTREAM,
      }),
    request: authTokenRequest,
  };
}

const HOLDINGS_UPSTREAM_PATH = `/v1/${BENCH_GATEWAY_NAME}/engine/user/holdings?version=v2`;

function emulatorHeaders(context: BenchContext): Record<string, string> {
  return {
    'x-gateway-secret': context.secrets.gatewayApiSecret,
    'x-gateway-authtoken': signGatewayAuthToken(context.secrets, context.user.smallcaseAuthId),
    accept: 'application/json',
  };
}

export function launchEmulator(context: BenchContext): Promise<Launched> {
  if (!existsSync(EMULATOR_ENTRY)) {
    return Promise.reject(new Error('the Gateway emulator is not built yet (dist/emulator/run-emulator.js)'));
  }
  return launch({
    name: 'emulator',
    args: [EMULATOR_ENTRY],
    env: (port) => ({
      PATH: process.env.PATH,
      EMULATOR_PORT: String(port),
      EMULATOR_HOST: '127.0.0.1',
      GATEWAY_NAME: BENCH_GATEWAY_NAME,
      GATEWAY_SECRET: context.secrets.gatewaySecret,
      GATEWAY_API_SECRET: context.secrets.gatewayApiSecret,
    }),
    readyPath: HOLDINGS_UPSTREAM_PATH,
    readyHeaders: emulatorHeaders(context),
    cpus: emulatorCpus(context),
    workDir: context.workDir,
  });
}

// The upstream shares the server's core by default: on two cores the load generator needs the other.
function emulatorCpus(context: BenchContext): string | undefined {
  return context.cores.server === undefined
    ? undefined
    : (process.env.BENCH_EMULATOR_CPUS ?? context.cores.server);
}

export const directEmulator: Scenario = {
  id: 'emulator-direct',
  title: 'GET holdings straight from the Gateway emulator (the baseline for /holdings)',
  halfRate: true,
  skipWhenStartFails: true,
  start: (context) => launchEmulator(context).then(single),
  request: (context) => ({ path: HOLDINGS_UPSTREAM_PATH, method: 'GET', headers: emulatorHeaders(context) }),
};

export const holdingsThroughService: Scenario = {
  id: 'holdings-via-service',
  title: 'GET /holdings through the service to the emulator (keep-alive pool)',
  baselineId: 'emulator-direct',
  halfRate: true,
  skipWhenStartFails: true,
  async start(context) {
    const emulator = await launchEmulator(context);
    try {
      const service = await startService(context, {
        name: 'service-holdings',
        databaseUrl: `sqlite:${context.sqlitePath}`,
        gatewayApiUrl: emulator.origin,
      });
      return {
        target: service.target,
        stop: () => Promise.all([service.stop(), emulator.stop()]).then(() => {}),
      };
    } catch (error) {
      await emulator.stop();
      throw error;
    }
  },
  probe: (context, started) => probeHoldings(started.target.origin, context.sessionToken),
  request: (context) => ({
    path: '/holdings',
    method: 'GET',
    headers: { authorization: `Bearer ${context.sessionToken}` },
  }),
};

/** Why `GET /holdings` cannot be measured on this service, or undefined when it answers 200. */
export async function probeHoldings(origin: string, sessionToken: string): Promise<string | undefined> {
  const response = await fetch(`${origin}/holdings`, {
    headers: { authorization: `Bearer ${sessionToken}` },
  });
  const body = await response.text();
  if (response.status === 404) return 'GET /holdings is not built yet (404)';
  if (response.status !== 200) return `GET /holdings answered ${response.status}: ${body.slice(0, 200)}`;
  return undefined;
}
