import { SessionRefusedError } from './session-refusal.js';

/** A token whose signature verified: its protected header and claims. */
export interface VerifiedToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Record<string, unknown>;
}

export interface SessionClaimsPolicy {
  readonly maxLifetimeSeconds: number;
  readonly clockToleranceSeconds: number;
}

/** An IdP whose clock runs ahead may stamp `iat` a little in the future; more is a forged or broken clock. */
export const MAX_IAT_SKEW_SECONDS = 60;

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Rules both JWT libraries leave to us, checked after the signature: no `crit` extensions (we
 * implement none, so RFC 7515 says refuse), a required `exp` no further ahead than the configured
 * lifetime (a leaked "never expires" session would stay usable for years), and an `iat` that is
 * not in the future.
 */
export function checkSessionClaims(
  token: VerifiedToken,
  policy: SessionClaimsPolicy,
  now = Math.floor(Date.now() / 1000),
): void {
  if (Object.hasOwn(token.header, 'crit')) {
    throw new SessionRefusedError('crit_header', 'the JWT header has "crit"; no extension is supported');
  }
  const { exp, iat } = token.payload;
  if (exp === undefined)
    throw new SessionRefusedError('missing_claim', 'no "exp" claim: a session must expire');
  if (!isNumericDate(exp)) throw new SessionRefusedError('malformed', '"exp" is not a NumericDate');
  if (exp - now > policy.maxLifetimeSeconds + policy.clockToleranceSeconds) {
    throw new SessionRefusedError(
      'lifetime_too_long',
      `exp is ${Math.round(exp - now)} s ahead, more than PARTNER_JWT_MAX_LIFETIME_SECONDS (${policy.maxLifetimeSeconds})`,
    );
  }
  if (iat === undefined) return;
  if (!isNumericDate(iat)) throw new SessionRefusedError('malformed', '"iat" is not a NumericDate');
  if (iat - now > MAX_IAT_SKEW_SECONDS) {
    throw new SessionRefusedError(
      'iat_in_future',
      `iat is ${Math.round(iat - now)} s in the future (more than ${MAX_IAT_SKEW_SECONDS} s of clock skew)`,
    );
  }
}
