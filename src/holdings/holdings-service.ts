import { AppError, InvalidRequestError, NotFoundError } from '../errors/app-errors.js';
import type { GatewayClient } from '../gateway/gateway-client.js';
import { GatewayTimeoutError, GatewayUnavailableError } from '../gateway/gateway-errors.js';
import type { HoldingsSnapshotRepository, Link } from '../store/store.js';
import type { UserTokens } from '../tokens/user-tokens.js';

const MAX_QUERY_LENGTH = 2048;

export interface HoldingsService {
  holdings(input: { partnerUserId: string; requestId: string }): Promise<unknown>;
  /**
   * Read-only pass-through for allow-listed engine paths. `rawPath` is compared exactly, without
   * decoding, so `..`, `%2e%2e`, `%2F`, `//`, backslashes and control characters never match.
   */
  engine(input: {
    partnerUserId: string;
    rawPath: string;
    rawQuery: string;
    requestId: string;
  }): Promise<unknown>;
}

/** Re-encodes the client's query string so only well-formed `name=value` pairs go upstream. */
function reencodeQuery(rawQuery: string): string {
  if (rawQuery.length > MAX_QUERY_LENGTH) throw new InvalidRequestError('query: too long');
  const params = new URLSearchParams(rawQuery);
  for (const [name, value] of params) {
    if (/\p{Cc}/u.test(name) || /\p{Cc}/u.test(value) || name === '') {
      throw new InvalidRequestError('query: contains an empty name or control characters');
    }
    // Whatever the allow-list holds (orders/sst takes one), a transaction is read only through
    // /transactions/:id, which checks that the caller created it.
    if (name.toLowerCase() === 'transactionid') {
      throw new InvalidRequestError(
        'query: transactionId is not accepted here; read a transaction at /transactions/:id',
      );
    }
  }
  return params.toString();
}

/**
 * When the Gateway is unavailable (503, timeout, circuit open), the snapshot the last holdings
 * webhook stored, marked `snapshot: {stale: true, snapshotAt}`; only one taken for the account
 * the user is linked to now. Otherwise the Gateway's error stands.
 */
async function staleSnapshot(
  snapshots: HoldingsSnapshotRepository | undefined,
  link: Link,
  error: unknown,
): Promise<unknown> {
  const unavailable = error instanceof GatewayUnavailableError || error instanceof GatewayTimeoutError;
  if (!unavailable || !snapshots) throw error;
  const snapshot = await snapshots.latestFor(link.partnerUserId);
  if (!snapshot || snapshot.smallcaseAuthId !== link.smallcaseAuthId) throw error;
  const marker = { snapshot: { stale: true, snapshotAt: snapshot.snapshotAt.toISOString() } };
  const data = snapshot.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? { ...data, ...marker }
    : { data, ...marker };
}

export function createHoldingsService(deps: {
  gateway: GatewayClient;
  tokens: UserTokens;
  snapshots?: HoldingsSnapshotRepository;
}): HoldingsService {
  return {
    async holdings({ partnerUserId, requestId }) {
      const { link, authToken } = await deps.tokens.forUser(partnerUserId);
      if (!link) throw new AppError('broker_not_linked', 'Holdings need a linked broker account.');
      try {
        return await deps.gateway.holdings({ authToken, requestId });
      } catch (error) {
        return staleSnapshot(deps.snapshots, link, error);
      }
    },
    async engine({ partnerUserId, rawPath, rawQuery, requestId }) {
      if (!deps.gateway.paths.isEngineReadPath(rawPath))
        throw new NotFoundError('This engine path is not available.');
      const query = reencodeQuery(rawQuery);
      const { link, authToken } = await deps.tokens.forUser(partnerUserId);
      // The Gateway answers a guest token on user/* with 403, which would be our 502: answered here.
      if (!link && rawPath.startsWith('user/')) {
        throw new AppError('broker_not_linked', 'This engine path needs a linked broker account.');
      }
      return deps.gateway.engine({ authToken, path: rawPath, query, requestId });
    },
  };
}
