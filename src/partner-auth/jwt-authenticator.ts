import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseCookies } from 'cookie';
import { UnauthenticatedError } from '../errors/app-errors.js';
import { isAcceptableUserId, type PartnerAuthenticator } from './partner-authenticator.js';
import type { SessionTokenVerifier } from './session-token-verifier.js';

const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BEARER = /^Bearer +(\S+)$/i;

export interface JwtAuthenticatorOptions {
  verify: SessionTokenVerifier;
  userClaim: string;
  sessionCookie: string | undefined;
}

/**
 * Identifies the partner user from `Authorization: Bearer` or, failing that, the configured
 * session cookie. Never from the query string: URLs end up in logs and browser history.
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): PartnerAuthenticator {
  return {
    async authenticate({ headers }) {
      const token = extractToken(headers, options.sessionCookie);
      if (token === undefined || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
        throw new UnauthenticatedError();
      }
      let claims: Record<string, unknown>;
      try {
        claims = await options.verify(token);
      } catch {
        throw new UnauthenticatedError('The partner session is invalid or expired.');
      }
      // A smallcaseAuthToken we minted must never double as a partner session.
      if ('smallcaseAuthId' in claims || 'guest' in claims) throw new UnauthenticatedError();
      const userId = claims[options.userClaim];
      if (!isAcceptableUserId(userId)) throw new UnauthenticatedError('The partner session names no user.');
      return { userId };
    },
  };
}

function extractToken(headers: IncomingHttpHeaders, cookieName: string | undefined): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1];
  if (cookieName === undefined || headers.cookie === undefined) return undefined;
  return parseCookies(headers.cookie)[cookieName];
}
