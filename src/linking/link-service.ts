import type { LinkRepository } from '../store/store.js';
import type { AuthTokenGrant, AuthTokenIssuer } from '../tokens/auth-token-issuer.js';
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
  links: LinkRepository;
  transactionService: TransactionService;
  issuer: AuthTokenIssuer;
  now?: () => Date;
}): LinkService {
  const now = deps.now ?? (() => new Date());
  return {
    async link({ partnerUserId, transactionId, requestId }) {
      const record = await deps.transactionService.ownedRecord(partnerUserId, transactionId);
      const { details } = await deps.transactionService.refresh(record, requestId);
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
