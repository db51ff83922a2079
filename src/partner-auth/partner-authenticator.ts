import type { IncomingMessage } from 'node:http';

export interface PartnerIdentity {
  readonly userId: string;
}

/**
 * What an authenticator sees of a request: `headers` joins a repeated custom header with ", ",
 * `headersDistinct` keeps each occurrence, so a repeated identity header can be told apart.
 */
export type PartnerRequest = Pick<IncomingMessage, 'headers' | 'headersDistinct'>;

/** Resolves the partner's logged-in user from a request's headers, or throws `UnauthenticatedError`. */
export interface PartnerAuthenticator {
  authenticate(request: PartnerRequest): Promise<PartnerIdentity>;
}

const MAX_USER_ID_LENGTH = 256;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A partner user id is an opaque string, but it is stored and logged, so it must be sane. */
export function isAcceptableUserId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_USER_ID_LENGTH &&
    value.trim() === value &&
    !CONTROL_CHARACTERS.test(value)
  );
}
