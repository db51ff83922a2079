import type { PartnerAuthConfig } from '../config/config-types.js';
import { createHeaderAuthenticator } from './header-authenticator.js';
import { createJwtAuthenticator } from './jwt-authenticator.js';
import type { PartnerAuthenticator } from './partner-authenticator.js';
import { createSessionTokenVerifier } from './session-token-verifier.js';

/** Builds the authenticator for the configured `PARTNER_AUTH` mode. */
export function createPartnerAuthenticator(config: PartnerAuthConfig): PartnerAuthenticator {
  if (config.mode === 'header') return createHeaderAuthenticator(config);
  return createJwtAuthenticator({
    verify: createSessionTokenVerifier(config),
    userClaim: config.userClaim,
    sessionCookie: config.sessionCookie,
  });
}
