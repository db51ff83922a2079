import { createSecretKey } from 'node:crypto';
import { Router } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { isAcceptableUserId } from '../../partner-auth/partner-authenticator.js';
import type { RouteSpec } from '../openapi/route-spec.js';
import { JSON_BODY_ERRORS } from '../openapi/route-spec.js';
import { parseInput } from '../validation.js';

const devSessionBody = z.object({
  userId: z
    .string()
    .refine(isAcceptableUserId, 'must be 1-256 printable characters')
    .meta({ description: 'Partner user id, 1-256 printable characters' }),
});

export const devSessionRoutes: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/dev/session',
    operationId: 'createDevSession',
    summary: 'Sign a partner session JWT (development only)',
    description:
      'Mounted only when `DEV_LOGIN` is on (never in production); the JWT expires in one hour. With ' +
      '`PARTNER_SESSION_COOKIE` set, it is also set as that cookie (`HttpOnly; Secure; SameSite=Strict; Path=/`).',
    tag: 'development',
    auth: 'none',
    devOnly: true,
    body: devSessionBody,
    responses: {
      200: {
        description: 'A partner session for `userId`',
        body: z.object({ sessionToken: z.string(), userId: z.string() }),
      },
    },
    errors: JSON_BODY_ERRORS,
  },
];

/**
 * Development-only login: signs a partner session JWT the way a partner's own auth would, so
 * the flow can be tried by hand. Never mounted in production (the config refuses DEV_LOGIN).
 */
export interface DevSessionOptions {
  readonly partnerJwtSecret: string;
  readonly userClaim: string;
  /** One of the HS* algorithms the session verifier accepts. */
  readonly algorithm: string;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  /** PARTNER_SESSION_COOKIE: the session is also set as this cookie, as a partner's login would. */
  readonly sessionCookie?: string | undefined;
}

export function createDevSessionRouter(options: DevSessionOptions): Router {
  const key = createSecretKey(Buffer.from(options.partnerJwtSecret, 'utf8'));
  const signOptions: jwt.SignOptions = {
    algorithm: options.algorithm as jwt.Algorithm,
    expiresIn: 3600,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };
  const router = Router();
  router.post('/dev/session', (req, res) => {
    const { userId } = parseInput(devSessionBody, req.body, 'body');
    const sessionToken = jwt.sign({ [options.userClaim]: userId }, key, signOptions);
    res.setHeader('Cache-Control', 'no-store');
    if (options.sessionCookie !== undefined) {
      res.cookie(options.sessionCookie, sessionToken, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/',
        maxAge: 3600_000,
      });
    }
    res.json({ sessionToken, userId });
  });
  return router;
}
