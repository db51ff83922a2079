import { noopMetrics, type ServiceMetrics } from '../observability/metrics.js';
import type { LinkRepository } from '../store/store.js';
import type { MintedToken, TokenMinter } from './token-minter.js';
import { mintForLink } from './user-tokens.js';

export interface AuthTokenGrant {
  readonly smallcaseAuthToken: string;
  readonly userType: MintedToken['userType'];
  readonly expiresAt: string;
  readonly gatewayName: string;
}

export interface AuthTokenIssuer {
  /** Mints the token the user's link state calls for; a store failure propagates, never a guest token. */
  issueFor(partnerUserId: string): Promise<AuthTokenGrant>;
  /** A connected token for an account the caller has just linked (`POST /link`). */
  issueConnected(smallcaseAuthId: string): AuthTokenGrant;
}

export function createAuthTokenIssuer(deps: {
  links: LinkRepository;
  minter: TokenMinter;
  gatewayName: string;
  metrics?: ServiceMetrics;
}): AuthTokenIssuer {
  const metrics = deps.metrics ?? noopMetrics;
  // Every token handed to a client goes through here (also `/link`), so it is counted here.
  const grant = (minted: MintedToken): AuthTokenGrant => {
    metrics.tokenMinted(minted.userType);
    return {
      smallcaseAuthToken: minted.smallcaseAuthToken,
      userType: minted.userType,
      expiresAt: new Date(minted.exp * 1000).toISOString(),
      gatewayName: deps.gatewayName,
    };
  };
  return {
    async issueFor(partnerUserId) {
      return grant(mintForLink(deps.minter, await deps.links.findByUser(partnerUserId)));
    },
    issueConnected: (smallcaseAuthId) => grant(deps.minter.mintConnected(smallcaseAuthId)),
  };
}
