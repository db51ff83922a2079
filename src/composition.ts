import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Config } from './config/config-types.js';
import { createGatewayClient, type GatewayClient } from './gateway/gateway-client.js';
import { createGatewayPaths } from './gateway/gateway-paths.js';
import { createHoldingsService, type HoldingsService } from './holdings/holdings-service.js';
import { ALWAYS_READY, type Readiness } from './lifecycle/readiness.js';
import { createStoreReadiness, type StoreReadiness } from './lifecycle/store-readiness.js';
import { createLinkService, type LinkService } from './linking/link-service.js';
import type { Logger } from './observability/logger.js';
import { noopMetrics, type ServiceMetrics } from './observability/metrics.js';
import { createPartnerAuthenticator } from './partner-auth/create-partner-authenticator.js';
import { createDevSessionSigner, type DevSessionSigner } from './partner-auth/dev-session-signer.js';
import type { PartnerAuthenticator } from './partner-auth/partner-authenticator.js';
import type { JwksTuning } from './partner-auth/session-token-verifier.js';
import type { Store } from './store/store.js';
import { observeStoreFailures, withStoreDeadline } from './store/store-deadline.js';
import { type AuthTokenIssuer, createAuthTokenIssuer } from './tokens/auth-token-issuer.js';
import { createSuccessTokenVerifier } from './tokens/success-token-verifier.js';
import { createTokenMinter } from './tokens/token-minter.js';
import { createUserTokens } from './tokens/user-tokens.js';
import { createTransactionService, type TransactionService } from './transactions/transaction-service.js';
import { createWebhookEffectPlanner } from './webhooks/webhook-effects.js';
import { createWebhookService, type WebhookService } from './webhooks/webhook-service.js';

// A PostgreSQL call still running after this fails with `store_unavailable` instead of holding the request.
const STORE_DEADLINE_MS = 2000;

/** What the entry point (or a test, or a script) has opened or chosen; everything else is built from it. */
export interface Infrastructure {
  readonly config: Config;
  readonly logger: Logger;
  /** The store as its adapter opened it; its deadline and failure metric are applied here. */
  readonly store: Store;
  /** Origin the Gateway client calls: the configured one, or the in-process emulator's in development. */
  readonly gatewayBaseUrl: string;
  /** Prometheus metrics in production; no-op when absent. */
  readonly metrics?: ServiceMetrics;
  /** Defaults to always ready; the entry point flips it during start-up and shutdown. */
  readonly readiness?: Readiness;
  /** A counter store per rate-limit bucket (Redis, shared by instances); in memory when absent. */
  readonly rateLimitStoreFor?: (bucket: string) => RateLimitStore;
  /** Store call deadline: by default 2 s on PostgreSQL and none on SQLite. */
  readonly storeDeadlineMs?: number;
  /** JWKS fetch timeout and cool-down; the defaults suit production (tests use short ones). */
  readonly jwksTuning?: JwksTuning;
  /**
   * Development with the in-process emulator only: when it started. It keeps transactions in
   * memory, so one recorded by an earlier run is answered with a clear 404 instead of a 502.
   */
  readonly emulatorStartedAt?: Date;
  /** Clock of the minted tokens' `iat`/`exp` (`Date.now`); tests move it against the browser's. */
  readonly tokenClock?: () => number;
  /** Wall clock of the use cases (idempotency leases, record times); tests move it. */
  readonly clock?: () => Date;
}

export interface Services {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** The store every service uses, with its deadline and failure metric. */
  readonly store: Store;
  readonly readiness: Readiness;
  /** `/readyz`: whether the store takes a write now. */
  readonly storeReadiness: StoreReadiness;
  readonly rateLimitStoreFor: ((bucket: string) => RateLimitStore) | undefined;
  readonly gateway: GatewayClient;
  readonly partnerAuthenticator: PartnerAuthenticator;
  readonly authTokens: AuthTokenIssuer;
  readonly transactions: TransactionService;
  readonly linking: LinkService;
  readonly holdings: HoldingsService;
  readonly webhooks: WebhookService;
  /** Present only while development login is on. */
  readonly devSessions: DevSessionSigner | undefined;
  /** Closes what `createServices` opened (the Gateway client's connections); the store stays the caller's. */
  close(): Promise<void>;
}

/**
 * better-sqlite3 answers synchronously, so a deadline could never fire first: by default only
 * PostgreSQL gets one. Every store call counts its failures in the store error metric.
 */
function guardedStore(store: Store, deadlineMs: number | undefined, metrics: ServiceMetrics): Store {
  const onFailure = () => metrics.storeError();
  const deadline = deadlineMs ?? (store.kind === 'postgres' ? STORE_DEADLINE_MS : undefined);
  return deadline === undefined
    ? observeStoreFailures(store, onFailure)
    : withStoreDeadline(store, deadline, onFailure);
}

/** The Gateway client the configuration describes; unset paths keep the client's own defaults. */
function gatewayClientFor(config: Config, baseUrl: string, metrics: ServiceMetrics): GatewayClient {
  return createGatewayClient({
    baseUrl,
    gatewayName: config.gatewayName,
    apiSecret: config.gatewayApiSecret,
    verifySuccessToken: createSuccessTokenVerifier(config.gatewaySecret),
    timeoutMs: config.gatewayTimeoutMs,
    paths: createGatewayPaths({
      gatewayName: config.gatewayName,
      holdingsPath: config.gatewayHoldingsPath,
      engineReadPaths: config.gatewayEnginePaths,
    }),
    metrics,
  });
}

/**
 * The composition root: builds every domain service from the infrastructure, in one place for
 * `main.ts`, the tests and the scripts. No side effects beyond the Gateway client's (lazy) pool.
 */
export function createServices(infrastructure: Infrastructure): Services {
  const { config, logger } = infrastructure;
  const metrics = infrastructure.metrics ?? noopMetrics;
  const store = guardedStore(infrastructure.store, infrastructure.storeDeadlineMs, metrics);
  const gateway = gatewayClientFor(config, infrastructure.gatewayBaseUrl, metrics);
  const minter = createTokenMinter({
    gatewaySecret: config.gatewaySecret,
    ttlSeconds: config.authTokenTtlSeconds,
    ...(infrastructure.tokenClock ? { now: infrastructure.tokenClock } : {}),
  });
  const tokens = createUserTokens({ links: store.links, minter });
  const authTokens = createAuthTokenIssuer({
    links: store.links,
    minter,
    gatewayName: config.gatewayName,
    metrics,
  });
  const transactions = createTransactionService({
    gateway,
    transactions: store.transactions,
    idempotency: store.idempotency,
    tokens,
    gatewayTimeoutMs: config.gatewayTimeoutMs,
    logger,
    allowedIntents: config.gatewayIntents,
    ...(infrastructure.emulatorStartedAt ? { emulatorStartedAt: infrastructure.emulatorStartedAt } : {}),
    ...(infrastructure.clock ? { now: infrastructure.clock } : {}),
  });
  const planner = createWebhookEffectPlanner({
    gateway,
    tokens,
    links: store.links,
    transactions: store.transactions,
    transactionService: transactions,
  });
  return {
    config,
    logger,
    metrics,
    store,
    readiness: infrastructure.readiness ?? ALWAYS_READY,
    storeReadiness: createStoreReadiness(store, logger),
    rateLimitStoreFor: infrastructure.rateLimitStoreFor,
    gateway,
    partnerAuthenticator: createPartnerAuthenticator(config.partnerAuth, infrastructure.jwksTuning),
    authTokens,
    transactions,
    linking: createLinkService({ links: store.links, transactionService: transactions, issuer: authTokens }),
    holdings: createHoldingsService({ gateway, tokens, snapshots: store.holdings }),
    webhooks: createWebhookService({
      apiSecret: config.gatewayApiSecret,
      previousApiSecret: config.gatewayApiSecretPrevious,
      maxAgeSeconds: config.webhookMaxAgeSeconds,
      webhooks: store.webhooks,
      transactions: store.transactions,
      planner,
      metrics,
    }),
    devSessions: createDevSessionSigner(config),
    close: () => gateway.close(),
  };
}
