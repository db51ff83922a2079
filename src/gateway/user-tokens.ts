import type { Link, LinkRepository } from '../store/store.js';
import type { TokenMinter } from '../tokens/token-minter.js';

export interface UserTokens {
  /** The user's link (if any) and the token that goes with it: connected when linked, else guest. */
  forUser(partnerUserId: string): Promise<{ link: Link | undefined; authToken: string }>;
  guest(): string;
  connected(smallcaseAuthId: string): string;
}

/**
 * Tokens for upstream calls made on a user's behalf. They never reach the client (the
 * client's own tokens come from the AuthTokenIssuer), so they are not counted as issued.
 */
export function createUserTokens(deps: { links: LinkRepository; minter: TokenMinter }): UserTokens {
  const guest = () => deps.minter.mintGuest().smallcaseAuthToken;
  const connected = (smallcaseAuthId: string) =>
    deps.minter.mintConnected(smallcaseAuthId).smallcaseAuthToken;
  return {
    async forUser(partnerUserId) {
      const link = await deps.links.findByUser(partnerUserId);
      return { link, authToken: link ? connected(link.smallcaseAuthId) : guest() };
    },
    guest,
    connected,
  };
}
