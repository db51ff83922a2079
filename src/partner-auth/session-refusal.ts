import { UnauthenticatedError } from '../errors/app-errors.js';

/**
 * Why a partner session was refused: logged (never sent) so that a partner engineer can tell a
 * clock, key or claim mismatch apart without seeing the token. Stable names: docs list them.
 */
export type SessionRefusalReason =
  | 'no_credentials'
  | 'not_bearer'
  | 'duplicate_cookie'
  | 'malformed'
  | 'crit_header'
  | 'wrong_algorithm'
  | 'unknown_key'
  | 'key_unavailable'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'missing_claim'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'lifetime_too_long'
  | 'iat_in_future'
  | 'invalid_user_id'
  | 'gateway_token'
  | 'wrong_proxy_secret'
  | 'duplicate_header'
  | 'header_count_limit';

const PUBLIC_MESSAGES: Partial<Record<SessionRefusalReason, string>> = {
  no_credentials: 'A valid partner session is required.',
  not_bearer: 'A valid partner session is required.',
  invalid_user_id: 'The partner session names no user.',
  wrong_proxy_secret: 'A valid partner session is required.',
  duplicate_header: 'A valid partner session is required.',
  header_count_limit: 'A valid partner session is required.',
};

/** A refused partner session: `401 unauthenticated` for the client, `reason` and `detail` for the log. */
export class SessionRefusedError extends UnauthenticatedError {
  readonly reason: SessionRefusalReason;
  /** Log-only explanation; built from claim names, configured values and header fields, never the token. */
  readonly detail: string;

  constructor(reason: SessionRefusalReason, detail: string) {
    super(PUBLIC_MESSAGES[reason] ?? 'The partner session is invalid or expired.');
    this.reason = reason;
    this.detail = detail;
  }
}

const MAX_QUOTED_LENGTH = 64;

/** A value taken from an unverified token or header, quoted and cut short for a log detail. */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}...` : text);
}
