import type { GatewayClient } from '../gateway/gateway-client.js';
import { webhookLink } from '../linking/link-rules.js';
import type {
  HoldingsSnapshot,
  LinkRepository,
  TransactionRecord,
  TransactionRepository,
  WebhookEffects,
} from '../store/store.js';
import type { UserTokens } from '../tokens/user-tokens.js';
import type { TransactionService } from '../transactions/transaction-service.js';
import type { WebhookNotification } from './webhook-payload.js';

const HOLDINGS_INTENTS = new Set(['HOLDINGS_IMPORT', 'MF_HOLDINGS_IMPORT']);

export interface WebhookEffectPlanner {
  /**
   * What an authentic notification changes, read from the Gateway (never from the body). Gateway
   * or store failures propagate, so that nothing is recorded and the Gateway redelivers.
   */
  plan(event: WebhookNotification, requestId: string): Promise<WebhookEffects>;
}

export function createWebhookEffectPlanner(deps: {
  gateway: GatewayClient;
  tokens: UserTokens;
  links: LinkRepository;
  transactions: TransactionRepository;
  transactionService: TransactionService;
  now?: () => Date;
}): WebhookEffectPlanner {
  const now = deps.now ?? (() => new Date());

  async function transactionEffects(record: TransactionRecord, requestId: string): Promise<WebhookEffects> {
    // Observed, not refreshed: the update is written with the event row, in one database transaction.
    const { details, update } = await deps.transactionService.observe(record, requestId);
    const link = webhookLink(record, details, update.at);
    return { transactionUpdate: update, ...(link ? { link } : {}) };
  }

  /**
   * The partner user whose snapshot this is: whoever holds the account now, or the owner this
   * same event links (when neither the owner nor the account is linked yet).
   */
  async function holderOf(account: string, effects: WebhookEffects): Promise<string | undefined> {
    const holder = await deps.links.findByAccount(account);
    if (holder) return holder.partnerUserId;
    const proposed = effects.link;
    if (!proposed || proposed.smallcaseAuthId !== account) return undefined;
    const ownerLink = await deps.links.findByUser(proposed.partnerUserId);
    return ownerLink ? undefined : proposed.partnerUserId;
  }

  async function holdingsSnapshot(
    account: string,
    effects: WebhookEffects,
    requestId: string,
  ): Promise<HoldingsSnapshot | undefined> {
    const partnerUserId = await holderOf(account, effects);
    if (!partnerUserId) return undefined;
    const data = await deps.gateway.holdings({ authToken: deps.tokens.connected(account), requestId });
    return { partnerUserId, smallcaseAuthId: account, data, snapshotAt: now() };
  }

  return {
    async plan(event, requestId) {
      const record = event.transactionId ? await deps.transactions.findById(event.transactionId) : undefined;
      const effects = record ? await transactionEffects(record, requestId) : {};
      const wantsHoldings =
        event.kind === 'holdings_import' ||
        event.kind === 'mf_holdings_import' ||
        (record !== undefined && HOLDINGS_INTENTS.has(record.intent));
      if (!wantsHoldings) return effects;
      // MF imports may name no account at all: then the owner's linked account is the one.
      const account =
        effects.transactionUpdate?.smallcaseAuthId ??
        event.smallcaseAuthId ??
        (record && (await deps.links.findByUser(record.partnerUserId))?.smallcaseAuthId);
      if (!account) return effects;
      const snapshot = await holdingsSnapshot(account, effects, requestId);
      return snapshot ? { ...effects, holdingsSnapshot: snapshot } : effects;
    },
  };
}
