/**
 * The persistence port. One interface, one adapter per database (SQLite, PostgreSQL); the same
 * contract suite runs against each. Adapters turn driver failures into `StoreUnavailableError`
 * and uniqueness conflicts into outcomes, so callers never see driver errors.
 */
export interface Link {
  readonly partnerUserId: string;
  readonly smallcaseAuthId: string;
  readonly broker: string | null;
  readonly linkedAt: Date;
  readonly updatedAt: Date;
}

export interface NewLink {
  readonly partnerUserId: string;
  readonly smallcaseAuthId: string;
  readonly broker: string | null;
  readonly at: Date;
}

export type LinkOutcome =
  /** A new link row was written. */
  | { readonly status: 'linked'; readonly link: Link }
  /** The user was already linked to this same smallcaseAuthId (broker refreshed). */
  | { readonly status: 'unchanged'; readonly link: Link }
  /** That smallcaseAuthId belongs to another partner user. */
  | { readonly status: 'account_in_use' }
  /** The user is linked to a different smallcaseAuthId; unlink first. */
  | { readonly status: 'user_already_linked'; readonly link: Link };

/** A link a webhook asks for. `POST /link` (the user's own action) never sets the guard. */
export interface WebhookLink extends NewLink {
  /**
   * The transaction's creation time: when the user unlinked at or after it, the notification is
   * older than the user's own choice and links nothing.
   */
  readonly notUnlinkedSince?: Date;
}

export type WebhookLinkOutcome =
  | LinkOutcome
  /** The owner unlinked at or after `notUnlinkedSince`: nothing changed. */
  | { readonly status: 'unlinked_since' };

export interface LinkRepository {
  findByUser(partnerUserId: string): Promise<Link | undefined>;
  findByAccount(smallcaseAuthId: string): Promise<Link | undefined>;
  /** Links atomically; at most one user per smallcaseAuthId is enforced by a constraint. */
  link(newLink: NewLink): Promise<LinkOutcome>;
  /** Forgets the user's link; returns false when there was none. */
  unlink(partnerUserId: string, at: Date): Promise<boolean>;
}

export interface TransactionRecord {
  readonly transactionId: string;
  /** The partner user who created it: the only one who may read or link it. */
  readonly partnerUserId: string;
  readonly intent: string;
  /** Last status the Gateway reported (INITIALIZED, USED, PROCESSING, ACTION_REQUIRED, ERRORED, COMPLETED, ...). */
  readonly status: string;
  readonly smallcaseAuthId: string | null;
  readonly broker: string | null;
  readonly createdAt: Date;
  readonly expireAt: Date | null;
  readonly updatedAt: Date;
}

export type NewTransaction = Omit<TransactionRecord, 'updatedAt' | 'smallcaseAuthId' | 'broker'>;

export interface TransactionUpdate {
  readonly transactionId: string;
  readonly status: string;
  readonly smallcaseAuthId: string | null;
  readonly broker: string | null;
  readonly at: Date;
}

export interface TransactionRepository {
  create(transaction: NewTransaction): Promise<void>;
  findById(transactionId: string): Promise<TransactionRecord | undefined>;
  /** Records what the Gateway says now; returns the updated record, or undefined if unknown. */
  update(update: TransactionUpdate): Promise<TransactionRecord | undefined>;
}

export type IdempotencyClaim =
  /** No live record existed; the caller now owns the key and must `complete` or `release` it. */
  | { readonly status: 'claimed' }
  /** An earlier request with this key finished; replay its response body if the request matches. */
  | { readonly status: 'completed'; readonly requestHash: string; readonly body: unknown }
  /** An earlier request with this key is still running. */
  | { readonly status: 'in_progress'; readonly requestHash: string };

export interface IdempotencyRepository {
  /**
   * Atomically claims (partnerUserId, key) until `expiresAt` (the claim's lease); an expired
   * record, finished or not, is replaced.
   */
  claim(input: {
    partnerUserId: string;
    key: string;
    requestHash: string;
    at: Date;
    expiresAt: Date;
  }): Promise<IdempotencyClaim>;
  /** Stores the finished request's result (JSON), kept until `expiresAt`; the HTTP layer owns its status. */
  complete(input: { partnerUserId: string; key: string; body: unknown; expiresAt: Date }): Promise<void>;
  /** Drops an unfinished claim so that a retry can run (the first attempt failed). */
  release(input: { partnerUserId: string; key: string }): Promise<void>;
}

export interface WebhookEvent {
  /** Deduplication key (unique in the database). */
  readonly eventKey: string;
  readonly kind: string;
  readonly transactionId: string | null;
  readonly smallcaseAuthId: string | null;
  readonly receivedAt: Date;
  readonly payload: unknown;
}

export interface HoldingsSnapshot {
  readonly partnerUserId: string;
  readonly smallcaseAuthId: string;
  readonly data: unknown;
  readonly snapshotAt: Date;
}

/** What an accepted webhook changes; written in the same database transaction as the event row. */
export interface WebhookEffects {
  readonly transactionUpdate?: TransactionUpdate;
  readonly link?: WebhookLink;
  /** Kept only when its user holds its account once the link (if any) is applied. */
  readonly holdingsSnapshot?: HoldingsSnapshot;
}

export type WebhookRecordOutcome =
  | { readonly status: 'applied'; readonly linkOutcome?: WebhookLinkOutcome }
  | { readonly status: 'duplicate' };

export interface WebhookRepository {
  isRecorded(eventKey: string): Promise<boolean>;
  /** Inserts the event and applies its effects in one transaction; a known key changes nothing. */
  recordOnce(event: WebhookEvent, effects: WebhookEffects): Promise<WebhookRecordOutcome>;
}

export interface HoldingsSnapshotRepository {
  latestFor(partnerUserId: string): Promise<HoldingsSnapshot | undefined>;
  save(snapshot: HoldingsSnapshot): Promise<void>;
}

/** What the retention job purges: each kind of row older than its own cutoff. */
export interface RetentionCutoffs {
  /** Idempotency keys whose expiry (replay window, or lease of an unfinished claim) passed before this. */
  readonly idempotencyExpiredBefore: Date;
  /** Webhook events received before this. */
  readonly webhookEventsReceivedBefore: Date;
  /** Transactions whose last change (creation or status update) is older than this. */
  readonly transactionsUpdatedBefore: Date;
}

export interface PurgeCounts {
  readonly idempotencyKeys: number;
  readonly webhookEvents: number;
  readonly transactions: number;
}

export type PurgeBatchOutcome =
  | { readonly status: 'purged'; readonly deleted: PurgeCounts }
  /** Another instance is purging right now (PostgreSQL): nothing was done. */
  | { readonly status: 'busy' };

export interface RetentionRepository {
  /**
   * Deletes at most `limit` rows of each kind past its cutoff, in one database transaction.
   * Safe from several instances at once: on PostgreSQL one holds the purge (the others get
   * `busy`), and every delete re-checks its cutoff, so a row revived meanwhile (an expired
   * idempotency key claimed again) is never deleted.
   */
  purgeBatch(cutoffs: RetentionCutoffs, limit: number): Promise<PurgeBatchOutcome>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly links: LinkRepository;
  readonly transactions: TransactionRepository;
  readonly idempotency: IdempotencyRepository;
  readonly webhooks: WebhookRepository;
  readonly holdings: HoldingsSnapshotRepository;
  readonly retention: RetentionRepository;
  /** Cheap round trip: the database answers. */
  ping(): Promise<void>;
  /**
   * Readiness: one real, committed write (a single probe row), so a database that answers reads
   * but cannot write (a read-only replica after a failover, a read-only or deleted SQLite file,
   * a full disk) is not ready. Rejects with `StoreUnavailableError`.
   */
  checkWritable(): Promise<void>;
  close(): Promise<void>;
}
