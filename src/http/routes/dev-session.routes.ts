import { z } from 'zod';
import type { DevSessionSigner } from '../../partner-auth/dev-session-signer.js';
import { isAcceptableUserId } from '../../partner-auth/partner-authenticator.js';
import { CLIENT_JSON_LIMIT, type RouteSpec } from '../route-spec.js';
import { parseInput } from '../validation.js';

const devSessionBody = z.object({
  userId: z
    .string()
    .refine(isAcceptableUserId, 'must be 1-256 printable characters')
    .meta({ description: 'Partner user id, 1-256 printable characters' }),
});

/**
 * `POST /dev/session`: in the route table only while development login is on (never in
 * production). With `sessionCookie` (PARTNER_SESSION_COOKIE) the session is also set as that
 * cookie, as a partner's login would, so browsers can try the cookie mode.
 */
export function devSessionRoutes(signer: DevSessionSigner, sessionCookie?: string): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/dev/session',
      guard: { session: false, jsonBody: CLIENT_JSON_LIMIT },
      handler: (req, res) => {
        const { userId } = parseInput(devSessionBody, req.body, 'body');
        const sessionToken = signer.sign(userId);
        res.setHeader('Cache-Control', 'no-store');
        if (sessionCookie !== undefined) {
          res.cookie(sessionCookie, sessionToken, {
            httpOnly: true,
            secure: true,
            sameSite: 'strict',
            path: '/',
            maxAge: 3600_000,
          });
        }
        res.json({ sessionToken, userId });
      },
      operationId: 'createDevSession',
      summary: 'Sign a partner session JWT (development only)',
      description:
        'Mounted only when `DEV_LOGIN` is on (never in production); the JWT expires in one hour. With ' +
        '`PARTNER_SESSION_COOKIE` set, it is also set as that cookie (`HttpOnly; Secure; SameSite=Strict; Path=/`).',
      tag: 'development',
      body: devSessionBody,
      responses: {
        200: {
          description: 'A partner session for `userId`',
          body: z.object({ sessionToken: z.string(), userId: z.string() }),
        },
      },
      errors: [],
    },
  ];
}
