import type { IncomingMessage } from 'node:http';

export interface PartnerIdentity {
  readonly userId: string;
}

/**
 * What an authenticator sees of a request: `headers` joins a repeated custom header with ", ",
 * `headersDistinct` keeps each occurrence; both stop at Node's header-count limit, while
 * `rawHeaders` can hold a few lines more, so a line pushed past the limit can still be seen.
 */
export type PartnerRequest = Pick<IncomingMessage, 'headers' | 'headersDistinct' | 'rawHeaders'>;

/** Resolves the partner's logged-in user from a request's headers, or throws `UnauthenticatedError`. */
export interface PartnerAuthenticator {
  authenticate(request: PartnerRequest): Promise<PartnerIdentity>;
}

const MAX_USER_ID_LENGTH = 256;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Why a value cannot be a partner user id, or undefined when it can. Ids are opaque but stored
 * and logged; a lone surrogate would become U+FFFD in PostgreSQL and merge two users.
 */
export function userIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'is not a string';
  if (value.length === 0 || value.length > MAX_USER_ID_LENGTH)
    return `is not 1-${MAX_USER_ID_LENGTH} characters`;
  if (value.trim() !== value) return 'has leading or trailing whitespace';
  if (CONTROL_CHARACTERS.test(value)) return 'has control characters';
  if (!value.isWellFormed()) return 'is not well-formed Unicode (lone surrogate)';
  return undefined;
}

/** A partner user id is an opaque string, but it is stored and logged, so it must be sane. */
export function isAcceptableUserId(value: unknown): value is string {
  return userIdProblem(value) === undefined;
}
