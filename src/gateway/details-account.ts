import type { SuccessTokenVerifier } from '../tokens/success-token-verifier.js';
import { GatewayError } from './gateway-errors.js';

/**
 * Where transaction details name the user and broker (docs/gateway.md, "Transaction details: three shapes"): `flat`
 * (`smallcaseAuthId`, `broker`), `authid_meta` (the Gateway's model: `authId`, `meta.broker`) and
 * `success_token` (the SDK success object: the id inside `success.smallcaseAuthToken`, `success.broker`).
 */
export type DetailsShape = 'flat' | 'authid_meta' | 'success_token';

export const DETAILS_SHAPES: readonly DetailsShape[] = ['flat', 'authid_meta', 'success_token'];

export interface DetailsAccount {
  readonly smallcaseAuthId: string | null;
  readonly broker: string | null;
  /** The shapes that named the user, in the order above. */
  readonly shapes: readonly DetailsShape[];
}

type Fields = Record<string, unknown>;

const UNREADABLE = 'The Gateway sent transaction details we cannot read.';

function asObject(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

/** `data.transactionDetails` first (its fields win), then `data` itself: the shapes may use either. */
function levelsOf(data: unknown): Fields[] {
  const outer = asObject(data);
  if (!outer) return [];
  const inner = asObject(outer.transactionDetails);
  return inner ? [inner, outer] : [outer];
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < 1 || value.length > 256) throw new GatewayError(UNREADABLE);
  return value;
}

/** The shapes whose fields the details carry at all, even still empty (for `gateway:check`). */
export function detailsShapesPresent(data: unknown): DetailsShape[] {
  const levels = levelsOf(data);
  const has = (key: string) => levels.some((level) => Object.hasOwn(level, key));
  return DETAILS_SHAPES.filter((shape) =>
    shape === 'flat' ? has('smallcaseAuthId') : shape === 'authid_meta' ? has('authId') : has('success'),
  );
}

/**
 * The user and broker the details name, read from every known shape at both levels. A success
 * token that does not verify, or two places naming different users, link nobody: a
 * `gateway_error` whose message never carries the token.
 */
export function readDetailsAccount(data: unknown, verifySuccessToken: SuccessTokenVerifier): DetailsAccount {
  const ids: Array<[DetailsShape, string]> = [];
  const brokers: Record<DetailsShape, string | null> = { flat: null, authid_meta: null, success_token: null };
  const note = (shape: DetailsShape, id: string | null, broker: string | null) => {
    if (id !== null) ids.push([shape, id]);
    brokers[shape] ??= broker;
  };
  for (const level of levelsOf(data)) {
    note('flat', text(level.smallcaseAuthId), text(level.broker));
    note('authid_meta', text(level.authId), text(asObject(level.meta)?.broker));
    const success = asObject(level.success);
    if (success)
      note('success_token', verifiedId(success.smallcaseAuthToken, verifySuccessToken), text(success.broker));
  }
  const distinct = new Set(ids.map(([, id]) => id));
  if (distinct.size > 1) {
    const where = [...new Set(ids.map(([shape]) => shape))].join(' and ');
    throw new GatewayError(
      `The Gateway's transaction details name different accounts (${where}); nobody is linked.`,
    );
  }
  return {
    smallcaseAuthId: ids[0]?.[1] ?? null,
    broker: brokers.flat ?? brokers.authid_meta ?? brokers.success_token,
    shapes: DETAILS_SHAPES.filter((shape) => ids.some(([named]) => named === shape)),
  };
}

function verifiedId(token: unknown, verify: SuccessTokenVerifier): string | null {
  if (token === undefined || token === null) return null;
  const id = verify(token);
  if (id === undefined) {
    throw new GatewayError(
      "The Gateway's success.smallcaseAuthToken does not verify with GATEWAY_SECRET; nobody is linked.",
    );
  }
  return id;
}
