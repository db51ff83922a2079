import type { Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError } from './config/load-config.js';
import { readStartupConfig } from './config/startup-config.js';
import { resolveUpstream } from './emulator/development-upstream.js';
import { createGatewayClientFor } from './gateway/gateway-from-config.js';
import { createGracefulShutdown, shutdownOnSignals } from './lifecycle/graceful-shutdown.js';
import { createHttpServer, listen } from './lifecycle/http-server.js';
import { listenProblem } from './lifecycle/listen-problem.js';
import { openStoreWithRetry } from './lifecycle/open-store-with-retry.js';
import { exitOnUnexpectedFailure } from './lifecycle/process-failure.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createPrometheusMetrics } from './observability/prometheus-metrics.js';
import { createPartnerAuthenticator } from './partner-auth/create-partner-authenticator.js';
import { openStore } from './store/open-store.js';
import { observeStoreFailures, withStoreDeadline } from './store/store-deadline.js';
import { createTokenMinter } from './tokens/token-minter.js';

const STORE_DEADLINE_MS = 2000;
const SHUTDOWN_GRACE_MS = 25_000;
// A database starting alongside this instance gets this long before start-up fails.
const STORE_STARTUP_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  let loaded: ReturnType<typeof readStartupConfig>;
  try {
    loaded = readStartupConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    exitWithConfigProblems(error.problems);
  }
  const { config, warnings, notices } = loaded;
  const logger = createLogger({ level: config.logLevel });
  exitOnUnexpectedFailure({ logger, exit: (code) => process.exit(code) });
  for (const warning of warnings) logger.warn({ config: true }, warning);
  for (const notice of notices) logger[notice.level]({ config: true, ...notice.fields }, notice.message);
  if (config.developmentDefaults.length > 0) {
    logger.warn(
      { variables: config.developmentDefaults },
      'development defaults in use (refused in production)',
    );
  }

  let acceptingTraffic = false;
  const metrics = createPrometheusMetrics();
  const openedStore = await openStoreWithRetry(() => openStore(config.databaseUrl, { logger }), {
    logger,
    timeoutMs: STORE_STARTUP_TIMEOUT_MS,
  });
  const onStoreFailure = () => metrics.storeError();
  // better-sqlite3 answers synchronously, so a deadline could never fire first: SQLite is only observed.
  const store =
    openedStore.kind === 'postgres'
      ? withStoreDeadline(openedStore, STORE_DEADLINE_MS, onStoreFailure)
      : observeStoreFailures(openedStore, onStoreFailure);
  const redis = config.redisUrl ? await openRedis(config.redisUrl, logger) : undefined;
  const upstream = await resolveUpstream(config, logger);
  const gateway = createGatewayClientFor(config, { baseUrl: upstream.baseUrl, metrics });
  const app = createApp({
    config,
    logger,
    store,
    gateway,
    rateLimitStore: redis?.rateLimitStore,
    partnerAuthenticator: createPartnerAuthenticator(config.partnerAuth),
    tokenMinter: createTokenMinter({
      gatewaySecret: config.gatewaySecret,
      ttlSeconds: config.authTokenTtlSeconds,
    }),
    readiness: { isAcceptingTraffic: () => acceptingTraffic },
    metrics,
    ...(upstream.emulatorStartedAt ? { emulatorStartedAt: upstream.emulatorStartedAt } : {}),
  });
  const server = createHttpServer(app);
  await listen(server, config.port, config.host, (error) =>
    logger.error({ cause: { message: error.message } }, 'HTTP server error'),
  ).catch((error: unknown) => {
    const problem = listenProblem(error, {
      portVariable: 'PORT',
      hostVariable: 'HOST',
      port: config.port,
      host: config.host,
      usualSuspect: 'is another npm start running?',
    });
    if (problem === undefined) throw error;
    exitWithConfigProblems([problem]);
  });
  upstream.deliverWebhooksTo?.(ownWebhookUrl(server.address(), config.host));
  acceptingTraffic = true;
  logger.info({ port: config.port, host: config.host, store: store.kind, env: config.nodeEnv }, 'listening');

  shutdownOnSignals(
    createGracefulShutdown({
      server,
      logger,
      stopAcceptingTraffic: () => {
        acceptingTraffic = false;
      },
      resources: [
        { name: 'store', close: () => store.close() },
        { name: 'gateway client', close: () => gateway.close() },
        { name: 'gateway emulator', close: () => upstream.close() },
        ...(redis ? [{ name: 'redis', close: redis.close }] : []),
      ],
      graceMs: SHUTDOWN_GRACE_MS,
      exit: (code) => process.exit(code),
    }),
  );
}

function exitWithConfigProblems(problems: readonly string[]): never {
  for (const problem of problems) process.stderr.write(`config error: ${problem}\n`);
  process.exit(1);
}

// Loaded only when REDIS_URL is set: ioredis costs a single instance memory and start-up time for nothing.
async function openRedis(url: string, logger: Logger) {
  const { closeRedisClient, createRedisClient } = await import('./redis/redis-client.js');
  const { createFailoverRateLimitStore } = await import('./redis/failover-rate-limit-store.js');
  const client = createRedisClient({ url, logger });
  return {
    rateLimitStore: createFailoverRateLimitStore({ redis: client, logger }),
    close: () => closeRedisClient(client),
  };
}

/** The service's own webhook URL, for the in-process emulator (development only). */
function ownWebhookUrl(address: ReturnType<Server['address']>, host: string): string {
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const hostPart = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${hostPart}:${port}/webhooks/smallcase`;
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
