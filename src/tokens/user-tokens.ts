import type { Link, LinkRepository } from '../store/store.js';
import type { MintedToken, TokenMinter } from './token-minter.js';

export interface UserTokens {
  /** The user's link (if any) and the token that goes with it: connected when linked, else guest. */
  forUser(partnerUserId: string): Promise<{ link: Link | undefined; authToken: string }>;
  guest(): string;
  connected(smallcaseAuthId: string): string;
}

/** The one rule for which token a user gets: connected to their linked account, else guest. */
export function mintForLink(minter: TokenMinter, link: Link | undefined): MintedToken {
  return link ? minter.mintConnected(link.smallcaseAuthId) : minter.mintGuest();
}

/**
 * Tokens for upstream calls made on a user's behalf. They never reach the client (the
 * client's own tokens come from the AuthTokenIssuer), so they are not counted as issued.
 */
export function createUserTokens(deps: { links: LinkRepository; minter: TokenMinter }): UserTokens {
  return {
    async forUser(partnerUserId) {
      const link = await deps.links.findByUser(partnerUserId);
      return { link, authToken: mintForLink(deps.minter, link).smallcaseAuthToken };
    },
    guest: () => deps.minter.mintGuest().smallcaseAuthToken,
    connected: (smallcaseAuthId) => deps.minter.mintConnected(smallcaseAuthId).smallcaseAuthToken,
  };
}
