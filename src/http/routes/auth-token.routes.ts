import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AuthTokenIssuer } from '../../tokens/auth-token-issuer.js';
import { partnerUserId } from '../middleware/partner-session.js';
import { CLIENT_JSON_LIMIT, type RouteGuard, type RouteSpec } from '../route-spec.js';
import { parseInput } from '../validation.js';

// Unknown fields are dropped: the user is whoever the verified session says, never the body.
const authTokenBody = z.object({}).optional();

/** What `/auth-token` (and `/link`) answer with. */
export const authTokenGrantSchema = z.object({
  smallcaseAuthToken: z.string().meta({ description: 'HS256 JWT for the smallcase Gateway SDK' }),
  userType: z.enum(['guest', 'connected']),
  expiresAt: z.string().meta({ format: 'date-time', description: "The token's `exp`, ISO 8601 UTC" }),
  gatewayName: z.string(),
});

const guard: RouteGuard = { session: true, rateLimit: 'tokens', jsonBody: CLIENT_JSON_LIMIT };

export function authTokenRoutes(issuer: AuthTokenIssuer): RouteSpec[] {
  const handler: RequestHandler = async (req, res) => {
    // No body (the usual call) is valid by the schema; only a sent body needs parsing.
    if (req.method === 'POST' && req.body !== undefined) parseInput(authTokenBody, req.body, 'body');
    const grant = await issuer.issueFor(partnerUserId(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json(grant);
  };
  const route = {
    path: '/auth-token',
    guard,
    handler,
    summary: 'Mint a smallcaseAuthToken for the partner user',
    description:
      'Guest token for an unlinked user, connected token for a linked one. `Cache-Control: no-store`.',
    tag: 'tokens',
    responses: { 200: { description: 'A fresh token', body: authTokenGrantSchema } },
    errors: ['store_unavailable'],
  } as const satisfies Omit<RouteSpec, 'method' | 'operationId'>;
  return [
    { ...route, method: 'post', operationId: 'createAuthToken', body: authTokenBody },
    { ...route, method: 'get', operationId: 'getAuthToken' },
  ];
}
