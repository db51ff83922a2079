import { z } from 'zod';
import { PUBLIC, type RouteSpec } from '../route-spec.js';

/** Serves the document, built on first request; the routes cannot change while the app runs. */
export function openApiRoutes(buildDocument: () => object): RouteSpec[] {
  let body: string | undefined;
  return [
    {
      method: 'get',
      path: '/openapi.json',
      guard: PUBLIC,
      handler: (_req, res) => {
        body ??= JSON.stringify(buildDocument());
        res.setHeader('Cache-Control', 'no-cache');
        res.type('application/json').send(body);
      },
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'operations',
      responses: {
        200: { description: 'OpenAPI 3.1 document', body: z.record(z.string(), z.unknown()) },
      },
      errors: [],
    },
  ];
}
