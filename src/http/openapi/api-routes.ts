import { authTokenRoutes } from '../routes/auth-token.routes.js';
import { browserClientRoutes } from '../routes/browser-client.routes.js';
import { devSessionRoutes } from '../routes/dev-session.routes.js';
import { healthRoutes } from '../routes/health.routes.js';
import { holdingsRoutes } from '../routes/holdings.routes.js';
import { linkRoutes } from '../routes/link.routes.js';
import { metricsRoutes } from '../routes/metrics.routes.js';
import { openApiRoutes } from '../routes/openapi.routes.js';
import { transactionsRoutes } from '../routes/transactions.routes.js';
import { webhookRoutes } from '../routes/webhooks.routes.js';
import type { RouteSpec } from './route-spec.js';

/**
 * Every route the app can mount, from the route modules' own lists. A router added to
 * `createApp` must add its list here: the route drift test fails until it does.
 */
const API_ROUTES: readonly RouteSpec[] = [
  ...authTokenRoutes,
  ...transactionsRoutes,
  ...linkRoutes,
  ...holdingsRoutes,
  ...webhookRoutes,
  ...healthRoutes,
  ...metricsRoutes,
  ...openApiRoutes,
  ...browserClientRoutes,
  ...devSessionRoutes,
];

/** The routes a given app mounts (development login decides `/dev/session`). */
export function mountedRoutes(options: { devLogin: boolean }): RouteSpec[] {
  return API_ROUTES.filter((route) => options.devLogin || !route.devOnly);
}
