import type { PartnerAuthConfig } from '../../config/config-types.js';

export interface SecurityDescription {
  readonly schemes: Record<string, Record<string, unknown>>;
  /** OpenAPI security requirement of routes that need a partner session. */
  readonly requirement: Record<string, string[]>[];
}

/** Security schemes of the partner session as this instance is configured to accept it. */
export function securityFor(partnerAuth: PartnerAuthConfig): SecurityDescription {
  if (partnerAuth.mode === 'header') {
    return {
      schemes: {
        partnerUserHeader: {
          type: 'apiKey',
          in: 'header',
          name: partnerAuth.userHeader,
          description: "The partner user id, set by the partner's authenticating proxy.",
        },
        partnerProxySecret: {
          type: 'apiKey',
          in: 'header',
          name: 'x-partner-proxy-secret',
          description: 'Shared secret proving the request came through that proxy.',
        },
      },
      requirement: [{ partnerUserHeader: [], partnerProxySecret: [] }],
    };
  }
  const bearer = {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `Partner session JWT; the user id is the \`${partnerAuth.userClaim}\` claim.`,
  };
  if (partnerAuth.sessionCookie === undefined) {
    return { schemes: { partnerSession: bearer }, requirement: [{ partnerSession: [] }] };
  }
  return {
    schemes: {
      partnerSession: bearer,
      partnerSessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: partnerAuth.sessionCookie,
        description: 'The partner session JWT, read when there is no `Authorization: Bearer`.',
      },
    },
    requirement: [{ partnerSession: [] }, { partnerSessionCookie: [] }],
  };
}
