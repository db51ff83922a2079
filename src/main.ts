import type { Server } from 'node:http';
import { createApp } from './app.js';
import { createServices } from './composition.js';
import type { Config } from './config/config-types.js';
import { ConfigError } from './config/load-config.js';
import { readStartupConfig } from './config/startup-config.js';
import { startDemoIfEnabled } from './demo/start-demo.js';
import { resolveUpstream } from './emulator/development-upstream.js';
import { createMetricsApp } from './http/metrics-app.js';
import { createGracefulShutdown, shutdownOnSignals } from './lifecycle/graceful-shutdown.js';
import { closeGracefully, createHttpServer, listen } from './lifecycle/http-server.js';
import { listenProblem } from './lifecycle/listen-problem.js';
import { openStoreWithRetry } from './lifecycle/open-store-with-retry.js';
import { exitOnUnexpectedFailure } from './lifecycle/process-failure.js';
import { createLogger, type Logger } from './observability/logger.js';
import type { ServiceMetrics } from './observability/metrics.js';
import { createPrometheusMetrics } from './observability/prometheus-metrics.js';
import { startRetentionJob } from './retention/retention-job.js';
import { openStore } from './store/open-store.js';

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
  const store = await openStoreWithRetry(() => openStore(config.databaseUrl, { logger }), {
    logger,
    timeoutMs: STORE_STARTUP_TIMEOUT_MS,
  }).catch((error: unknown) => {
    // The store's own message (never the URL, which may hold a password) beside the variable to fix.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    return exitWithConfigProblems([`DATABASE_URL: the store could not be opened: ${reason}`]);
  });
  const redis = config.redisUrl ? await openRedis(config.redisUrl, logger) : undefined;
  const upstream = await resolveUpstream(config, logger);
  const services = createServices({
    config,
    logger,
    store,
    gatewayBaseUrl: upstream.baseUrl,
    metrics,
    rateLimitStoreFor: redis?.rateLimitStoreFor,
    readiness: { isAcceptingTraffic: () => acceptingTraffic },
    ...(upstream.emulatorStartedAt ? { emulatorStartedAt: upstream.emulatorStartedAt } : {}),
  });
  const app = createApp(services);
  const server = createHttpServer(app);
  const onServerError = (error: Error) =>
    logger.error({ cause: { message: error.message } }, 'HTTP server error');
  await listen(server, config.port, config.host, onServerError).catch((error: unknown) => {
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
  const metricsServer = await listenForMetrics(config, metrics, onServerError);
  upstream.deliverWebhooksTo?.(ownWebhookUrl(server.address(), config.host));
  acceptingTraffic = true;
  const retention = startRetentionJob({ retention: services.store.retention, policy: config, logger });
  logger.info(
    {
      port: config.port,
      host: config.host,
      metricsPort: config.metricsPort,
      store: store.kind,
      env: config.nodeEnv,
    },
    'listening',
  );
  const demo = await startDemoIfEnabled(config, {
    servicePort: portOf(server.address()),
    emulatorSdkUrl: upstream.sdkScriptUrl,
    logger,
  });

  shutdownOnSignals(
    createGracefulShutdown({
      server,
      logger,
      stopAcceptingTraffic: () => {
        acceptingTraffic = false;
      },
      resources: [
        ...(metricsServer ? [{ name: 'metrics listener', close: () => closeGracefully(metricsServer) }] : []),
        { name: 'retention job', close: () => retention.stop() },
        { name: 'store', close: () => store.close() },
        { name: 'gateway client', close: () => services.close() },
        { name: 'gateway emulator', close: () => upstream.close() },
        ...(demo ? [{ name: 'demo page', close: demo.close }] : []),
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

/** The `METRICS_PORT` listener, when configured: scrapes go on while the public port drains. */
async function listenForMetrics(
  config: Config,
  metrics: ServiceMetrics,
  onError: (error: Error) => void,
): Promise<Server | undefined> {
  if (config.metricsPort === undefined) return undefined;
  const server = createHttpServer(createMetricsApp(metrics));
  const port = config.metricsPort;
  await listen(server, port, config.host, onError).catch((error: unknown) => {
    const target = { portVariable: 'METRICS_PORT', hostVariable: 'HOST', port, host: config.host };
    const problem = listenProblem(error, target);
    if (problem === undefined) throw error;
    exitWithConfigProblems([problem]);
  });
  return server;
}

// Loaded only when REDIS_URL is set: ioredis costs a single instance memory and start-up time for nothing.
async function openRedis(url: string, logger: Logger) {
  const { closeRedisClient, createRedisClient } = await import('./redis/redis-client.js');
  const { createFailoverRateLimitStore } = await import('./redis/failover-rate-limit-store.js');
  const client = createRedisClient({ url, logger });
  return {
    rateLimitStoreFor: (bucket: string) =>
      createFailoverRateLimitStore({ redis: client, logger, prefix: `gts:rl:${bucket}:` }),
    close: () => closeRedisClient(client),
  };
}

/** The service's own webhook URL, for the in-process emulator (development only). */
function ownWebhookUrl(address: ReturnType<Server['address']>, host: string): string {
  const port = portOf(address);
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const hostPart = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${hostPart}:${port}/webhooks/smallcase`;
}

function portOf(address: ReturnType<Server['address']>): number {
  return typeof address === 'object' && address !== null ? address.port : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
