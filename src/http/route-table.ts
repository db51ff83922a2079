import type { Services } from '../composition.js';
import type { Config } from '../config/config-types.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';
import type { RouteSpec } from './route-spec.js';
import { authTokenRoutes } from './routes/auth-token.routes.js';
import { browserClientRoutes } from './routes/browser-client.routes.js';
import { devSessionRoutes } from './routes/dev-session.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { holdingsRoutes } from './routes/holdings.routes.js';
import { linkRoutes } from './routes/link.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { openApiRoutes } from './routes/openapi.routes.js';
import { transactionsRoutes } from './routes/transactions.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';

const API_VERSION = '0.1.0';

/**
 * Every route this instance serves, in matching order (the hot `/auth-token` first): the one
 * list that is mounted, guarded, documented at `/openapi.json` and used for the metrics route
 * labels. `/dev/session` is in it only while development login is on, `/metrics` only in
 * development without `METRICS_PORT`.
 */
export function createRouteTable(services: Services): RouteSpec[] {
  const routes: RouteSpec[] = [
    ...authTokenRoutes(services.authTokens),
    ...transactionsRoutes(services.transactions),
    ...linkRoutes(services.linking),
    ...holdingsRoutes(services.holdings),
    ...webhookRoutes(services.webhooks),
    ...healthRoutes({ storeReadiness: services.storeReadiness, readiness: services.readiness }),
    // On its own listener when METRICS_PORT is set (src/http/metrics-app.ts), never here in production.
    ...(services.config.metricsOnPublicPort ? metricsRoutes(services.metrics) : []),
    ...openApiRoutes(() =>
      buildOpenApiDocument({ routes, partnerAuth: services.config.partnerAuth, version: API_VERSION }),
    ),
    ...browserClientRoutes(),
    ...(services.devSessions ? devSessionRoutes(services.devSessions, sessionCookieOf(services.config)) : []),
  ];
  return routes;
}

function sessionCookieOf(config: Config): string | undefined {
  return config.partnerAuth.mode === 'jwt' ? config.partnerAuth.sessionCookie : undefined;
}
