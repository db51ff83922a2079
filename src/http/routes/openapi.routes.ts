import { Router } from 'express';
import { z } from 'zod';
import type { RouteSpec } from '../openapi/route-spec.js';

export const openApiRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tag: 'operations',
    auth: 'none',
    responses: {
      200: { description: 'OpenAPI 3.1 document', body: z.record(z.string(), z.unknown()) },
    },
    errors: [],
  },
];

/** Serves the document, built on first request; the routes cannot change while the app runs. */
export function createOpenApiRouter(buildDocument: () => object): Router {
  let body: string | undefined;
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    body ??= JSON.stringify(buildDocument());
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(body);
  });
  return router;
}
