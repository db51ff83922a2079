import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PUBLIC, type RouteSpec } from '../route-spec.js';

// src/ and dist/ sit at the same depth, so this resolves to dist/client/ from both (`npm run build:client`).
const BUILT_CLIENT = fileURLToPath(new URL('../../../dist/client/gateway-token-client.js', import.meta.url));

/**
 * `GET /client/gateway-token-client.js`: the compiled browser client, in every mode. CORS comes
 * from the app's policy like every route, so pages on `CORS_ORIGINS` can `import()` it; `send`
 * answers conditional requests (Last-Modified).
 */
export function browserClientRoutes(file: string = BUILT_CLIENT): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/client/gateway-token-client.js',
      guard: PUBLIC,
      handler: (_req, res, next) => {
        res.sendFile(
          file,
          { headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' } },
          (error?: Error) => {
            if (!error || res.headersSent) return;
            next(new Error(`browser client not readable at ${file} (run npm run build): ${error.message}`));
          },
        );
      },
      operationId: 'getBrowserClient',
      summary: 'The browser client (ES module)',
      description:
        'Dependency-free ES module exporting `createTokenClient` (README, Frontend integration). Served in ' +
        'every mode (revalidated with Last-Modified), with CORS for `CORS_ORIGINS`, so pages on those ' +
        'origins can `import()` it.',
      tag: 'frontend',
      responses: {
        200: { description: 'JavaScript module', body: z.string(), contentType: 'text/javascript' },
      },
      errors: [],
    },
  ];
}
