import type { PartnerAuthConfig } from '../../config/config-types.js';
import type { ErrorCode } from '../../errors/app-errors.js';
import { REQUEST_ID_FORMAT } from '../../observability/request-id-format.js';
import { PROBLEM_CODES, statusOf } from '../problem.js';
import { guardErrors, type ResponseSpec, type RouteSpec } from '../route-spec.js';
import {
  acceptsUndefined,
  type JsonSchema,
  jsonSchemaOf,
  type ParameterObject,
  parametersOf,
} from './json-schema.js';
import { securityFor } from './security-schemes.js';

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, unknown> };

const RETRY_AFTER_CODES = new Set<ErrorCode>(['rate_limited', 'gateway_unavailable', 'store_unavailable']);
const PATH_PARAMETER = /([:*])([A-Za-z0-9_]+)/g;
const REQUEST_ID_HEADER = { 'x-request-id': { $ref: '#/components/headers/RequestId' } };

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details with a stable `code`.',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri', examples: ['urn:gateway-token-service:problem:not_found'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: PROBLEM_CODES },
    requestId: { type: 'string' },
  },
};

/** `/transactions/:transactionId` -> `/transactions/{transactionId}`; `*path` -> `{path}`. */
function openApiPath(expressPath: string): string {
  return expressPath.replace(PATH_PARAMETER, '{$2}');
}

function pathParameters(route: RouteSpec): ParameterObject[] {
  const declared = route.params ? parametersOf(route.params, 'path') : [];
  return [...route.path.matchAll(PATH_PARAMETER)].map(([, kind, name = '']) => {
    const found = declared.find((parameter) => parameter.name === name);
    const wildcard = kind === '*' ? { description: 'The rest of the path; may contain `/`.' } : {};
    return found ?? { name, in: 'path', required: true, ...wildcard, schema: { type: 'string' } };
  });
}

function successResponse(spec: ResponseSpec): Record<string, unknown> {
  const content = spec.body
    ? { content: { [spec.contentType ?? 'application/json']: { schema: jsonSchemaOf(spec.body, 'output') } } }
    : {};
  return { description: spec.description, headers: REQUEST_ID_HEADER, ...content };
}

function problemResponses(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes, 'internal' as const])) {
    byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retryAfter = group.some((code) => RETRY_AFTER_CODES.has(code))
      ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }
      : {};
    responses[String(status)] = {
      description: `Problem: ${group.map((code) => `\`${code}\``).join(', ')}`,
      headers: { ...REQUEST_ID_HEADER, ...retryAfter },
      content: {
        'application/problem+json': {
          schema: {
            allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { code: { enum: group } } }],
          },
        },
      },
    };
  }
  return responses;
}

function operationOf(route: RouteSpec, sessionSecurity: unknown): Record<string, unknown> {
  const parameters = [
    ...pathParameters(route),
    ...(route.query ? parametersOf(route.query, 'query') : []),
    ...(route.headers ? parametersOf(route.headers, 'header') : []),
  ];
  const responses: Record<string, unknown> = problemResponses([...guardErrors(route.guard), ...route.errors]);
  for (const [status, spec] of Object.entries(route.responses)) responses[status] = successResponse(spec);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.guard.session ? sessionSecurity : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !acceptsUndefined(route.body),
            content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of `routes`, with the security schemes of the configured partner auth. */
export function buildOpenApiDocument(options: {
  routes: readonly RouteSpec[];
  partnerAuth: PartnerAuthConfig;
  version: string;
}): OpenApiDocument {
  const security = securityFor(options.partnerAuth);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route, security.requirement) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'gateway-token-service',
      version: options.version,
      description:
        'Partner backend for smallcase Gateway: mints smallcaseAuthTokens, links users, proxies ' +
        'allow-listed Gateway APIs and receives webhooks. Errors are RFC 9457 problem details.',
    },
    tags: [...new Set(options.routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      headers: {
        RequestId: {
          description: 'The request id (an incoming valid `x-request-id` is kept).',
          schema: { type: 'string', pattern: REQUEST_ID_FORMAT.source },
        },
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
      },
      securitySchemes: security.schemes,
    },
  };
}
