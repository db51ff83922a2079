import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PUBLIC, type RouteSpec } from '../route-spec.js';

// src/ and dist/ sit at the same depth, so this resolves to dist/client/ from both (`npm run build:client`).
const BUILT_CLIENT_DIR = fileURLToPath(new URL('../../../dist/client/', import.meta.url));

/** One built file of the browser client, answered with `send` (Last-Modified revalidation). */
function builtFileRoute(options: {
  path: string;
  file: string;
  contentType: string;
  operationId: string;
  summary: string;
  description: string;
}): RouteSpec {
  const { file, contentType } = options;
  return {
    method: 'get',
    path: options.path,
    guard: PUBLIC,
    handler: (_req, res, next) => {
      res.sendFile(
        file,
        { headers: { 'Content-Type': `${contentType}; charset=utf-8`, 'Cache-Control': 'no-cache' } },
        (error?: Error) => {
          if (!error || res.headersSent) return;
          next(new Error(`browser client not readable at ${file} (run npm run build): ${error.message}`));
        },
      );
    },
    operationId: options.operationId,
    summary: options.summary,
    description: options.description,
    tag: 'frontend',
    responses: { 200: { description: options.summary, body: z.string(), contentType } },
    errors: [],
  };
}

/**
 * `GET /client/gateway-token-client.js` and its types beside it (`.d.ts`): the compiled browser
 * client, in every mode. CORS comes from the app's policy like every route, so pages on
 * `CORS_ORIGINS` can `import()` it.
 */
export function browserClientRoutes(directory: string = BUILT_CLIENT_DIR): RouteSpec[] {
  return [
    builtFileRoute({
      path: '/client/gateway-token-client.js',
      file: `${directory}gateway-token-client.js`,
      contentType: 'text/javascript',
      operationId: 'getBrowserClient',
      summary: 'The browser client (ES module)',
      description:
        'Dependency-free ES module exporting `createTokenClient` (README, Frontend integration). Served in ' +
        'every mode (revalidated with Last-Modified), with CORS for `CORS_ORIGINS`, so pages on those ' +
        'origins can `import()` it.',
    }),
    builtFileRoute({
      path: '/client/gateway-token-client.d.ts',
      file: `${directory}gateway-token-client.d.ts`,
      contentType: 'application/typescript',
      operationId: 'getBrowserClientTypes',
      summary: 'The TypeScript declarations of the browser client',
      description: 'The types of `/client/gateway-token-client.js`, for a page that copies the module.',
    }),
  ];
}
