import type { PartnerAuthConfig } from '../config/config-types.js';
import { createHeaderAuthenticator } from './header-authenticator.js';
import { createJwtAuthenticator } from './jwt-authenticator.js';
import type { PartnerAuthenticator } from './partner-authenticator.js';
import { createSessionTokenVerifier, type JwksTuning } from './session-token-verifier.js';

/**
 * Builds the authenticator for the configured `PARTNER_AUTH` mode. `jwks` overrides the JWKS
 * fetch timeout and cool-down (tests use short ones); the defaults suit production.
 */
export function createPartnerAuthenticator(
  config: PartnerAuthConfig,
  jwks: JwksTuning = {},
): PartnerAuthenticator {
  if (config.mode === 'header') return createHeaderAuthenticator(config);
  return createJwtAuthenticator({
    verify: createSessionTokenVerifier({ ...config, ...jwks }),
    userClaim: config.userClaim,
    sessionCookie: config.sessionCookie,
  });
}
