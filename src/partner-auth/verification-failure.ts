import { decodeJwt, decodeProtectedHeader } from 'jose';
import { quoted, SessionRefusedError } from './session-refusal.js';

/** What the verifier expected, to say which setting a refused token did not match. */
export interface VerificationExpectations {
  readonly algorithms: readonly string[];
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  /** The variable that holds the key: PARTNER_JWT_SECRET, PARTNER_JWT_PUBLIC_KEY or PARTNER_JWKS_URL. */
  readonly keyVariable: string;
}

interface Decoded {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function decode(token: string): Decoded | undefined {
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch {
    return undefined;
  }
}

/** Whole seconds from now to a NumericDate claim (negative when past), or undefined when it is no number. */
function secondsAhead(value: unknown): number | undefined {
  return typeof value === 'number' ? Math.round(value - Date.now() / 1000) : undefined;
}

/**
 * Turns a jsonwebtoken or jose failure into a {@link SessionRefusedError}. Runs only on the
 * failure path, so decoding the (unverified) token again to name the offending claim costs
 * nothing on good requests. Details quote claim names, configured values and short header
 * fields, never the token or its signature.
 */
export function explainVerificationFailure(
  error: unknown,
  token: string,
  expected: VerificationExpectations,
): SessionRefusedError {
  if (error instanceof SessionRefusedError) return error;
  const decoded = decode(token);
  if (decoded === undefined) {
    return new SessionRefusedError('malformed', 'the header or claims are not base64url JSON objects');
  }
  const failure = {
    code: (error as { code?: unknown } | null)?.code,
    name: (error as { name?: unknown } | null)?.name,
    message: error instanceof Error ? error.message : String(error),
    claim: String((error as { claim?: unknown } | null)?.claim),
    missing: (error as { reason?: unknown } | null)?.reason === 'missing',
  };
  return (
    fromHeader(decoded.header, expected) ??
    fromJose(failure, decoded, expected) ??
    fromJsonwebtoken(failure, decoded, expected) ??
    malformed(failure.message)
  );
}

interface Failure {
  code: unknown;
  name: unknown;
  message: string;
  claim: string;
  missing: boolean;
}

function fromHeader(header: Record<string, unknown>, expected: VerificationExpectations) {
  if (Object.hasOwn(header, 'crit')) {
    return new SessionRefusedError('crit_header', 'the JWT header has "crit"; no extension is supported');
  }
  if (typeof header.alg === 'string' && expected.algorithms.includes(header.alg)) return undefined;
  return new SessionRefusedError(
    'wrong_algorithm',
    `alg ${quoted(header.alg)} is not one of ${expected.algorithms.join(', ')}`,
  );
}

function fromJose(failure: Failure, { header, payload }: Decoded, expected: VerificationExpectations) {
  switch (failure.code) {
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return failure.missing ? missingClaim(failure.claim) : claimMismatch(failure.claim, payload, expected);
    case 'ERR_JWT_EXPIRED':
      return expired(payload);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return badSignature(header, expected);
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new SessionRefusedError(
        'unknown_key',
        `no single key at ${expected.keyVariable} matches kid ${quoted(header.kid)} and alg ${quoted(header.alg)}`,
      );
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC':
      return keyUnavailable(failure, expected);
  }
  // The key set's fetch failing (refused, DNS) is undici's TypeError, not a JOSE error.
  if (expected.keyVariable === 'PARTNER_JWKS_URL' && failure.code === undefined) {
    return keyUnavailable(failure, expected);
  }
  return undefined;
}

function fromJsonwebtoken(
  failure: Failure,
  { header, payload }: Decoded,
  expected: VerificationExpectations,
) {
  if (failure.name === 'TokenExpiredError') return expired(payload);
  if (failure.name === 'NotBeforeError') return claimMismatch('nbf', payload, expected);
  if (failure.message === 'invalid signature') return badSignature(header, expected);
  if (failure.message.startsWith('jwt issuer invalid')) {
    return payload.iss === undefined ? missingClaim('iss') : claimMismatch('iss', payload, expected);
  }
  if (failure.message.startsWith('jwt audience invalid')) {
    return payload.aud === undefined ? missingClaim('aud') : claimMismatch('aud', payload, expected);
  }
  return undefined;
}

function expired(payload: Record<string, unknown>): SessionRefusedError {
  const ahead = secondsAhead(payload.exp);
  return new SessionRefusedError(
    'expired',
    ahead === undefined ? 'exp passed' : `exp passed ${-ahead} s ago`,
  );
}

function badSignature(header: Record<string, unknown>, expected: VerificationExpectations) {
  const kid = header.kid === undefined ? '' : ` (kid ${quoted(header.kid)})`;
  return new SessionRefusedError(
    'bad_signature',
    `the signature does not verify with the key of ${expected.keyVariable}${kid}`,
  );
}

function keyUnavailable(failure: Failure, expected: VerificationExpectations): SessionRefusedError {
  return new SessionRefusedError(
    'key_unavailable',
    `the key set at ${expected.keyVariable} could not be used: ${quoted(failure.message)}`,
  );
}

function malformed(message: string): SessionRefusedError {
  return new SessionRefusedError('malformed', `not a valid JWT: ${quoted(message)}`);
}

const REQUIRED_BY: Record<string, string> = {
  iss: ' (PARTNER_JWT_ISSUER is set)',
  aud: ' (PARTNER_JWT_AUDIENCE is set)',
};

function missingClaim(claim: string): SessionRefusedError {
  return new SessionRefusedError('missing_claim', `no ${quoted(claim)} claim${REQUIRED_BY[claim] ?? ''}`);
}

function claimMismatch(
  claim: string,
  payload: Record<string, unknown>,
  expected: VerificationExpectations,
): SessionRefusedError | undefined {
  if (claim === 'iss') {
    return new SessionRefusedError(
      'issuer_mismatch',
      `iss ${quoted(payload.iss)} is not PARTNER_JWT_ISSUER ${quoted(expected.issuer)}`,
    );
  }
  if (claim === 'aud') {
    return new SessionRefusedError(
      'audience_mismatch',
      `aud ${quoted(payload.aud)} does not include PARTNER_JWT_AUDIENCE ${quoted(expected.audience)}`,
    );
  }
  if (claim === 'nbf') {
    return new SessionRefusedError('not_yet_valid', `nbf is ${secondsAhead(payload.nbf) ?? '?'} s ahead`);
  }
  return undefined;
}
