import { AppError, InvalidRequestError, NotFoundError } from '../errors/app-errors.js';
import type { GatewayClient } from '../gateway/gateway-client.js';
import type { TransactionDetails } from '../gateway/transaction-details.js';
import type { Logger } from '../observability/logger.js';
import type {
  IdempotencyRepository,
  TransactionRecord,
  TransactionRepository,
  TransactionUpdate,
} from '../store/store.js';
import type { UserTokens } from '../tokens/user-tokens.js';
import { requestHash, runIdempotent } from './idempotency.js';
import { TRANSACTION_INTENTS, type TransactionRequest, tokenPolicyOf } from './transaction-intents.js';

// The Gateway's default lifetime (docs/gateway.md), used when its expireAt is missing or unreadable.
const TRANSACTION_TTL_MS = 5 * 60 * 1000;
// The longest lifetime the Gateway's model gives a transaction is 45 minutes; a date outside
// (creation, creation + 1 day] was misread (e.g. seconds taken for milliseconds).
const MAX_PLAUSIBLE_TTL_MS = 24 * 60 * 60 * 1000;
// A request still running with the same Idempotency-Key ends within the Gateway deadline plus
// its store calls (link read, record and result writes); past this margin a waiter gives up.
const IDEMPOTENCY_WAIT_MARGIN_MS = 5000;
// Not the Gateway's fault, and nothing a retry fixes: say what happened and what to do.
const EMULATOR_RESTARTED =
  'This transaction was created before the development Gateway emulator last started; the emulator keeps ' +
  'transactions in memory only, so it no longer knows it. Create a new transaction (development only).';

export interface CreatedTransactionView {
  readonly transactionId: string;
  readonly intent: string;
  readonly expireAt: string;
}

/** What an `Idempotency-Key` keeps of a created transaction: the answer, and what its record needs. */
interface CreatedTransactionResult extends CreatedTransactionView {
  /** ISO time; absent in results kept by earlier versions. */
  readonly createdAt?: string;
}

function viewOf(created: CreatedTransactionResult): CreatedTransactionView {
  return { transactionId: created.transactionId, intent: created.intent, expireAt: created.expireAt };
}

export interface TransactionView {
  readonly transactionId: string;
  readonly intent: string;
  readonly status: string;
  readonly expired: boolean | null;
  readonly broker: string | null;
  readonly error: { readonly code: string | null; readonly message: string | null } | null;
  readonly createdAt: string;
  readonly expireAt: string | null;
  readonly updatedAt: string;
}

/** What the Gateway says about a transaction now, and the same as an update to our record. */
export interface ObservedTransaction {
  readonly details: TransactionDetails;
  readonly update: TransactionUpdate;
}

export interface TransactionService {
  create(input: {
    partnerUserId: string;
    request: TransactionRequest;
    requestId: string;
    idempotencyKey: string | undefined;
  }): Promise<{ body: CreatedTransactionView; replayed: boolean }>;
  get(input: { partnerUserId: string; transactionId: string; requestId: string }): Promise<TransactionView>;
  /** The caller's own transaction record; anyone else's (or an unknown id) is a 404. */
  ownedRecord(partnerUserId: string, transactionId: string): Promise<TransactionRecord>;
  /** Reads the transaction's details from the Gateway and records them; returns the stored record. */
  refresh(
    record: TransactionRecord,
    requestId: string,
  ): Promise<{ details: TransactionDetails; record: TransactionRecord }>;
  /**
   * `refresh` without the write, for callers that must write the update in their own database
   * transaction (webhooks record it together with the event).
   */
  observe(record: TransactionRecord, requestId: string): Promise<ObservedTransaction>;
}

export function createTransactionService(deps: {
  gateway: GatewayClient;
  transactions: TransactionRepository;
  idempotency: IdempotencyRepository;
  tokens: UserTokens;
  /** GATEWAY_TIMEOUT_MS: bounds how long a request waits for a running one with its Idempotency-Key. */
  gatewayTimeoutMs: number;
  logger: Pick<Logger, 'warn'>;
  /** GATEWAY_INTENTS; every intent the service validates when absent. */
  allowedIntents?: readonly string[];
  /** See `Infrastructure.emulatorStartedAt` in `src/composition.ts`. */
  emulatorStartedAt?: Date;
  now?: () => Date;
}): TransactionService {
  const now = deps.now ?? (() => new Date());
  const allowedIntents = new Set(deps.allowedIntents ?? TRANSACTION_INTENTS);

  function requireAllowedIntent(intent: string): void {
    if (allowedIntents.has(intent)) return;
    throw new InvalidRequestError(
      `intent: ${intent} is not enabled here; one of ${[...allowedIntents].join(', ') || '(none)'}`,
    );
  }

  async function createUpstream(
    partnerUserId: string,
    request: TransactionRequest,
    requestId: string,
  ): Promise<CreatedTransactionResult> {
    const policy = tokenPolicyOf(request);
    const { link, authToken } = await deps.tokens.forUser(partnerUserId);
    if (policy === 'guest' && link)
      throw new AppError('already_linked', 'This user already has a linked broker account.');
    if (policy === 'connected' && !link) {
      throw new AppError('broker_not_linked', `${request.intent} needs a linked broker account.`);
    }
    // Past the checks above, the user's own token is the one the policy calls for (guest when unlinked).
    const created = await deps.gateway.createTransaction({ authToken, requestId, body: request });
    const createdAt = now();
    const expireAt = plausibleExpiry(created.expireAt, createdAt);
    return {
      transactionId: created.transactionId,
      intent: request.intent,
      expireAt: expireAt.toISOString(),
      createdAt: createdAt.toISOString(),
    };
  }

  // Safe to repeat: an idempotent replay writes the record that a failed first attempt could not.
  async function record(partnerUserId: string, created: CreatedTransactionResult): Promise<void> {
    if (await deps.transactions.findById(created.transactionId)) return;
    const transaction = {
      transactionId: created.transactionId,
      partnerUserId,
      intent: created.intent,
      status: 'INITIALIZED',
      // Results kept before createdAt was stored with them had their record written already.
      createdAt: created.createdAt ? new Date(created.createdAt) : now(),
      expireAt: new Date(created.expireAt),
    };
    try {
      await deps.transactions.create(transaction);
    } catch (error) {
      // A concurrent replay wrote it first.
      if (await deps.transactions.findById(created.transactionId)) return;
      throw error;
    }
  }

  async function ownedRecord(partnerUserId: string, transactionId: string): Promise<TransactionRecord> {
    const record = await deps.transactions.findById(transactionId);
    if (!record || record.partnerUserId !== partnerUserId) throw new NotFoundError('No such transaction.');
    return record;
  }

  // Callers check ownership first: a guest token reads any transaction, also one created before a link.
  async function observe(record: TransactionRecord, requestId: string): Promise<ObservedTransaction> {
    const { transactionId } = record;
    const details = await deps.gateway.transactionDetails({
      authToken: deps.tokens.guest(),
      transactionId,
      requestId,
    });
    const { status, smallcaseAuthId, broker } = details;
    return { details, update: { transactionId, status, smallcaseAuthId, broker, at: now() } };
  }

  async function refresh(record: TransactionRecord, requestId: string) {
    if (deps.emulatorStartedAt && record.createdAt < deps.emulatorStartedAt) {
      throw new NotFoundError(EMULATOR_RESTARTED);
    }
    const { details, update } = await observe(record, requestId);
    return { details, record: (await deps.transactions.update(update)) ?? record };
  }

  return {
    ownedRecord,
    observe,
    refresh,
    async create({ partnerUserId, request, requestId, idempotencyKey }) {
      requireAllowedIntent(request.intent);
      const work = {
        perform: () => createUpstream(partnerUserId, request, requestId),
        persist: (created: CreatedTransactionResult) => record(partnerUserId, created),
      };
      if (idempotencyKey === undefined) {
        const created = await work.perform();
        await work.persist(created);
        return { body: viewOf(created), replayed: false };
      }
      const { body, replayed } = await runIdempotent(
        {
          repository: deps.idempotency,
          now,
          waitMs: deps.gatewayTimeoutMs + IDEMPOTENCY_WAIT_MARGIN_MS,
          leaseMs: TRANSACTION_TTL_MS,
          logger: deps.logger,
        },
        { partnerUserId, key: idempotencyKey, requestHash: requestHash(request), requestId },
        work,
      );
      return { body: viewOf(body), replayed };
    },
    async get({ partnerUserId, transactionId, requestId }) {
      const record = await ownedRecord(partnerUserId, transactionId);
      const { details, record: updated } = await refresh(record, requestId);
      return {
        transactionId,
        intent: record.intent,
        status: details.status,
        expired: details.expired,
        broker: details.broker,
        error: details.error,
        createdAt: record.createdAt.toISOString(),
        expireAt: record.expireAt?.toISOString() ?? null,
        updatedAt: updated.updatedAt.toISOString(),
      };
    },
  };
}

function plausibleExpiry(upstream: Date | null, createdAt: Date): Date {
  const ttlMs = upstream ? upstream.getTime() - createdAt.getTime() : Number.NaN;
  return ttlMs > 0 && ttlMs <= MAX_PLAUSIBLE_TTL_MS
    ? (upstream as Date)
    : new Date(createdAt.getTime() + TRANSACTION_TTL_MS);
}
