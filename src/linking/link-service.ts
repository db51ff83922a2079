import type { GatewayClient } from '../gateway/gateway-client.js';
import type { LinkRepository, TransactionRepository } from '../store/store.js';
import type { AuthTokenGrant, AuthTokenIssuer } from '../tokens/auth-token-issuer.js';
import type { UserTokens } from '../tokens/user-tokens.js';
import type { TransactionService } from '../transactions/transaction-service.js';
import { isRefused, linkRefusal, requireCompletedLink } from './link-rules.js';

export type LinkGrant = AuthTokenGrant & { readonly broker: string | null };

export interface LinkService {
  /** Links the caller to the account that completed their transaction, as the Gateway reports it. */
  link(input: { partnerUserId: string; transactionId: string; requestId: string }): Promise<LinkGrant>;
  unlink(partnerUserId: string): Promise<void>;
}

/**
 * Verified linking: `smallcaseAuthId` and broker come only from the Gateway's transaction
 * details, never from the client. The store's unique constraint makes concurrent calls safe.
 */
export function createLinkService(deps: {
  gateway: GatewayClient;
  links: LinkRepository;
  transactions: TransactionRepository;
  transactionService: TransactionService;
  tokens: UserTokens;
  issuer: AuthTokenIssuer;
  now?: () => Date;
}): LinkService {
  const now = deps.now ?? (() => new Date());
  return {
    async link({ partnerUserId, transactionId, requestId }) {
      await deps.transactionService.ownedRecord(partnerUserId, transactionId);
      // A guest token reads any transaction; the caller's ownership was checked above.
      const details = await deps.gateway.transactionDetails({
        authToken: deps.tokens.guest(),
        transactionId,
        requestId,
      });
      await deps.transactions.update({
        transactionId,
        status: details.status,
        smallcaseAuthId: details.smallcaseAuthId,
        broker: details.broker,
        at: now(),
      });
      const outcome = await deps.links.link(requireCompletedLink(partnerUserId, details, now()));
      if (isRefused(outcome)) throw linkRefusal(outcome);
      const grant = deps.issuer.issueConnected(outcome.link.smallcaseAuthId);
      return { ...grant, broker: outcome.link.broker };
    },
    async unlink(partnerUserId) {
      await deps.links.unlink(partnerUserId, now());
    },
  };
}
