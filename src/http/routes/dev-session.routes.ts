import { createSecretKey } from 'node:crypto';
import { Router } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { isAcceptableUserId } from '../../partner-auth/partner-authenticator.js';
import { parseInput } from '../validation.js';

const devSessionBody = z.object({
  userId: z.string().refine(isAcceptableUserId, 'must be 1-256 printable characters'),
});

/**
 * Development-only login: signs a partner session JWT the way a partner's own auth would, so
 * the flow can be tried by hand. Never mounted in production (the config refuses DEV_LOGIN).
 */
export function createDevSessionRouter(options: { partnerJwtSecret: string; userClaim: string }): Router {
  const key = createSecretKey(Buffer.from(options.partnerJwtSecret, 'utf8'));
  const router = Router();
  router.post('/dev/session', (req, res) => {
    const { userId } = parseInput(devSessionBody, req.body, 'body');
    const sessionToken = jwt.sign({ [options.userClaim]: userId }, key, {
      algorithm: 'HS256',
      expiresIn: 3600,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ sessionToken, userId });
  });
  return router;
}
