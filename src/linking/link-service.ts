import { AppError } from '../errors/app-errors.js';
import type { GatewayClient } from '../gateway/gateway-client.js';
import { GatewayError } from '../gateway/gateway-errors.js';
import type { UserTokens } from '../gateway/user-tokens.js';
import type { LinkRepository, TransactionRepository } from '../store/store.js';
import type { AuthTokenGrant, AuthTokenIssuer } from '../tokens/auth-token-issuer.js';
import type { TokenMinter } from '../tokens/token-minter.js';
import type { TransactionService } from '../transactions/transaction-service.js';

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
  minter: TokenMinter;
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
      if (details.status !== 'COMPLETED') {
        throw new AppError(
          'transaction_not_complete',
          `The transaction is ${details.status}, not COMPLETED.`,
        );
      }
      if (!details.smallcaseAuthId) {
        throw new GatewayError('The Gateway did not say which account completed the transaction.');
      }
      const outcome = await deps.links.link({
        partnerUserId,
        smallcaseAuthId: details.smallcaseAuthId,
        broker: details.broker,
        at: now(),
      });
      if (outcome.status === 'account_in_use') {
        throw new AppError('smallcase_account_in_use', 'That smallcase account is linked to another user.');
      }
      if (outcome.status === 'user_already_linked') {
        throw new AppError(
          'already_linked',
          'This user is linked to another smallcase account; unlink first.',
        );
      }
      const grant = deps.issuer.grant(deps.minter.mintConnected(outcome.link.smallcaseAuthId));
      return { ...grant, broker: outcome.link.broker };
    },
    async unlink(partnerUserId) {
      await deps.links.unlink(partnerUserId, now());
    },
  };
}
