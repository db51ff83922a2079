import type { PartnerAuthenticator } from './partner-authenticator.js';
import { userIdProblem } from './partner-authenticator.js';
import { extractSessionToken } from './session-credential.js';
import { quoted, SessionRefusedError } from './session-refusal.js';
import type { SessionTokenVerifier } from './session-token-verifier.js';

const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface JwtAuthenticatorOptions {
  verify: SessionTokenVerifier;
  userClaim: string;
  sessionCookie: string | undefined;
}

/**
 * Identifies the partner user from `Authorization: Bearer` or the configured session cookie
 * (precedence in `extractSessionToken`). Never from the query string: URLs end up in logs and
 * browser history.
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): PartnerAuthenticator {
  const { userClaim } = options;
  return {
    async authenticate({ headers }) {
      const token = extractSessionToken(headers, options.sessionCookie);
      if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
        throw new SessionRefusedError(
          'malformed',
          `not a compact JWS of at most ${MAX_TOKEN_LENGTH} characters`,
        );
      }
      const claims = await options.verify(token);
      // A smallcaseAuthToken we minted must never double as a partner session.
      if ('smallcaseAuthId' in claims || 'guest' in claims) {
        throw new SessionRefusedError('gateway_token', 'a smallcaseAuthToken is not a partner session');
      }
      const userId = claims[userClaim];
      if (userId === undefined) {
        throw new SessionRefusedError('missing_claim', `no ${quoted(userClaim)} claim (PARTNER_USER_CLAIM)`);
      }
      const problem = userIdProblem(userId);
      if (problem !== undefined) throw new SessionRefusedError('invalid_user_id', `${userClaim} ${problem}`);
      return { userId: userId as string };
    },
  };
}
