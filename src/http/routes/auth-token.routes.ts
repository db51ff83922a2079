import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { AuthTokenIssuer } from '../../tokens/auth-token-issuer.js';
import { partnerUserId } from '../middleware/partner-session.js';
import { parseInput } from '../validation.js';

// Unknown fields are dropped: the user is whoever the verified session says, never the body.
const authTokenBody = z.object({}).optional();

export function createAuthTokenRouter(issuer: AuthTokenIssuer): Router {
  const router = Router();
  const handler: RequestHandler = async (req, res) => {
    if (req.method === 'POST') parseInput(authTokenBody, req.body, 'body');
    const grant = await issuer.issueFor(partnerUserId(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json(grant);
  };
  router.get('/auth-token', handler);
  router.post('/auth-token', handler);
  return router;
}
