import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec.js';

export const BROWSER_CLIENT_PATH = '/client/gateway-token-client.js';

// src/ and dist/ sit at the same depth, so this resolves to dist/client/ from both (`npm run build:client`).
const BUILT_CLIENT = fileURLToPath(new URL('../../../dist/client/gateway-token-client.js', import.meta.url));

export const browserClientRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: BROWSER_CLIENT_PATH,
    operationId: 'getBrowserClient',
    summary: 'The browser client (ES module)',
    description:
      'Dependency-free ES module exporting `createTokenClient` (README, Frontend integration). ' +
      'Served in every mode (revalidated with Last-Modified), with CORS for `CORS_ORIGINS`, so pages on those origins can `import()` it.',
    tag: 'frontend',
    auth: 'none',
    responses: {
      200: { description: 'JavaScript module', body: z.string(), contentType: 'text/javascript' },
    },
    errors: [],
  },
];

/** Serves the compiled browser client; `send` answers conditional requests (Last-Modified). */
export function createBrowserClientRouter(file: string = BUILT_CLIENT): Router {
  const router = Router();
  router.get(BROWSER_CLIENT_PATH, (_req, res, next) => {
    res.sendFile(
      file,
      {
        headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' },
        dotfiles: 'deny',
      },
      (error?: Error) => {
        if (!error || res.headersSent) return;
        next(new Error(`browser client not readable at ${file} (run npm run build): ${error.message}`));
      },
    );
  });
  return router;
}
