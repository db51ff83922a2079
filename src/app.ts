import express, { type Express, type RequestHandler } from 'express';
import type { Config } from './config/config-types.js';
import type { GatewayClient } from './gateway/gateway-client.js';
import { createHoldingsService } from './holdings/holdings-service.js';
import { chain } from './http/middleware/chain.js';
import { createCorsPolicy } from './http/middleware/cors-policy.js';
import { errorHandler, notFoundHandler } from './http/middleware/error-handler.js';
import { useHttpLogger } from './http/middleware/http-logger.js';
import { createHttpMetrics } from './http/middleware/http-metrics.js';
import { jsonBody } from './http/middleware/json-body.js';
import { requirePartnerSession, resolvePartnerSession } from './http/middleware/partner-session.js';
import { createRateLimit, type RateLimitStore } from './http/middleware/rate-limit.js';
import { createSecurityHeaders } from './http/middleware/security-headers.js';
import { mountedRoutes } from './http/openapi/api-routes.js';
import { buildOpenApiDocument } from './http/openapi/openapi-document.js';
import type { RouteSpec } from './http/openapi/route-spec.js';
import { createRouteTemplateResolver } from './http/route-templates.js';
import { createAuthTokenRouter } from './http/routes/auth-token.routes.js';
import { createDevSessionRouter, type DevSessionOptions } from './http/routes/dev-session.routes.js';
import { createHealthRouter, healthRoutes, type Readiness } from './http/routes/health.routes.js';
import { createHoldingsRouter } from './http/routes/holdings.routes.js';
import { createLinkRouter } from './http/routes/link.routes.js';
import { createMetricsRouter, metricsRoutes } from './http/routes/metrics.routes.js';
import { createOpenApiRouter, openApiRoutes } from './http/routes/openapi.routes.js';
import { createTransactionsRouter } from './http/routes/transactions.routes.js';
import { createWebhooksRouter, WEBHOOK_BODY_LIMIT } from './http/routes/webhooks.routes.js';
import { createLinkService } from './linking/link-service.js';
import type { Logger } from './observability/logger.js';
import { noopMetrics, type ServiceMetrics } from './observability/metrics.js';
import type { PartnerAuthenticator } from './partner-auth/partner-authenticator.js';
import type { Store } from './store/store.js';
import { type AuthTokenIssuer, createAuthTokenIssuer } from './tokens/auth-token-issuer.js';
import type { TokenMinter } from './tokens/token-minter.js';
import { createUserTokens, type UserTokens } from './tokens/user-tokens.js';
import { createTransactionService, type TransactionService } from './transactions/transaction-service.js';
import { createWebhookEffectPlanner } from './webhooks/webhook-effects.js';
import { createWebhookService } from './webhooks/webhook-service.js';

const CLIENT_BODY_LIMIT = '100kb';
const API_VERSION = '0.1.0';

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly partnerAuthenticator: PartnerAuthenticator;
  readonly tokenMinter: TokenMinter;
  /** The smallcase Gateway (or the emulator in development and tests). */
  readonly gateway: GatewayClient;
  /** Defaults to always ready; the entry point flips it during start-up and shutdown. */
  readonly readiness?: Readiness;
  /** Shared counter store for rate limits (Redis with several instances); in-memory when absent. */
  readonly rateLimitStore?: RateLimitStore;
  /** Prometheus metrics in production; no-op when absent. */
  readonly metrics?: ServiceMetrics;
  /**
   * Development with the in-process emulator only: when it started. It keeps transactions in
   * memory, so one recorded by an earlier run is answered with a clear 404 instead of a 502.
   */
  readonly emulatorStartedAt?: Date;
}

/** Builds the HTTP application from its dependencies; no side effects beyond the returned app. */
export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const app = express();
  app.set('trust proxy', config.trustProxy === false ? false : config.trustProxy);
  app.set('etag', false);
  app.disable('x-powered-by');
  const metrics = deps.metrics ?? noopMetrics;
  const devSession = devSessionOptions(config);
  const routes = mountedRoutes({ devLogin: devSession !== undefined });

  if (metrics.httpRequest) {
    const resolveRoute = createRouteTemplateResolver(routes.map((route) => route.path));
    app.use(createHttpMetrics(metrics.httpRequest.bind(metrics), resolveRoute));
  }
  useHttpLogger(app, deps.logger);
  app.use(createSecurityHeaders());
  app.use(createCorsPolicy(config.corsOrigins));
  // Mounted on their own paths only, so that other requests never walk these routers.
  mountOnOwnPaths(
    app,
    healthRoutes,
    createHealthRouter({
      store: deps.store,
      readiness: deps.readiness ?? { isAcceptingTraffic: () => true },
    }),
  );
  mountOnOwnPaths(app, metricsRoutes, createMetricsRouter(metrics));
  mountOnOwnPaths(
    app,
    openApiRoutes,
    createOpenApiRouter(() =>
      buildOpenApiDocument({ routes, partnerAuth: config.partnerAuth, version: API_VERSION }),
    ),
  );

  if (devSession) {
    app.use('/dev/session', ...jsonBody(CLIENT_BODY_LIMIT));
    app.use(createDevSessionRouter(devSession));
  }

  const resolveSession = resolvePartnerSession(deps.partnerAuthenticator);
  const rateLimit = createRateLimit({
    perMinute: config.rateLimitPerMinute,
    ...(deps.rateLimitStore ? { store: deps.rateLimitStore } : {}),
  });
  // Each chain is one router layer instead of one per handler.
  const limitedSession = [
    chain([resolveSession, rateLimit, requirePartnerSession, ...jsonBody(CLIENT_BODY_LIMIT)]),
  ];

  const issuer = createAuthTokenIssuer({
    links: deps.store.links,
    minter: deps.tokenMinter,
    gatewayName: config.gatewayName,
    metrics,
  });
  app.use('/auth-token', ...limitedSession);
  app.use(createAuthTokenRouter(issuer));
  mountGatewayRoutes(app, deps, {
    limitedSession,
    issuer,
    session: [chain([resolveSession, requirePartnerSession])],
  });

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** Dev login signs sessions with the partner's own HS256 secret, so it exists only in that mode. */
function devSessionOptions(config: Config): DevSessionOptions | undefined {
  const auth = config.partnerAuth;
  if (!config.devLogin || auth.mode !== 'jwt' || auth.key.kind !== 'secret') return undefined;
  // Signed exactly as the verifier expects, so dev sessions work with ISSUER/AUDIENCE/ALGORITHMS set.
  return {
    partnerJwtSecret: auth.key.secret,
    userClaim: auth.userClaim,
    algorithm: auth.algorithms?.[0] ?? 'HS256',
    issuer: auth.issuer,
    audience: auth.audience,
  };
}

/** A router as the handler of each of its own routes (a route keeps the path; `use` would strip it). */
function mountOnOwnPaths(app: Express, specs: readonly RouteSpec[], router: RequestHandler): void {
  for (const spec of specs) app[spec.method](spec.path, router);
}

/** Routes that call the Gateway: `/transactions` shares the `/auth-token` rate limit. */
function mountGatewayRoutes(
  app: Express,
  deps: AppDeps,
  shared: { limitedSession: RequestHandler[]; session: RequestHandler[]; issuer: AuthTokenIssuer },
): void {
  const { store, gateway, tokenMinter: minter } = deps;
  const tokens = createUserTokens({ links: store.links, minter });
  const transactionService = createTransactionService({
    gateway,
    transactions: store.transactions,
    idempotency: store.idempotency,
    tokens,
    gatewayTimeoutMs: deps.config.gatewayTimeoutMs,
    logger: deps.logger,
    ...(deps.emulatorStartedAt ? { emulatorStartedAt: deps.emulatorStartedAt } : {}),
  });
  app.use('/transactions', ...shared.limitedSession);
  app.use(createTransactionsRouter(transactionService));
  const linkService = createLinkService({
    links: store.links,
    transactionService,
    issuer: shared.issuer,
  });
  app.use('/link', ...shared.session, ...jsonBody(CLIENT_BODY_LIMIT));
  app.use(createLinkRouter(linkService));
  app.use(['/holdings', '/engine'], ...shared.session);
  app.use(createHoldingsRouter(createHoldingsService({ gateway, tokens, snapshots: store.holdings })));
  mountWebhookRoutes(app, deps, { tokens, transactionService });
}

/** `POST /webhooks/smallcase`: no session and no rate limit; the checksum authenticates it. */
function mountWebhookRoutes(
  app: Express,
  deps: AppDeps,
  services: { tokens: UserTokens; transactionService: TransactionService },
): void {
  const { store, gateway } = deps;
  const planner = createWebhookEffectPlanner({
    gateway,
    tokens: services.tokens,
    links: store.links,
    transactions: store.transactions,
    transactionService: services.transactionService,
  });
  const service = createWebhookService({
    apiSecret: deps.config.gatewayApiSecret,
    maxAgeSeconds: deps.config.webhookMaxAgeSeconds,
    webhooks: store.webhooks,
    planner,
    metrics: deps.metrics ?? noopMetrics,
  });
  app.use('/webhooks/smallcase', ...jsonBody(WEBHOOK_BODY_LIMIT));
  app.use(createWebhooksRouter(service));
}
