import { createHash, timingSafeEqual } from 'node:crypto';
import { type PartnerAuthenticator, type PartnerRequest, userIdProblem } from './partner-authenticator.js';
import { SessionRefusedError } from './session-refusal.js';

const PROXY_SECRET_HEADER = 'x-partner-proxy-secret';
/** Node's default `maxHeadersCount`: lines past it are missing from `headers`, silently. */
export const NODE_HEADER_LINE_LIMIT = 1000;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Every value sent for `name` (lower case), counted in the raw lines rather than the parsed map. */
function rawValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const field = rawHeaders[index] as string;
    if (field.length === name.length && field.toLowerCase() === name)
      values.push(rawHeaders[index + 1] as string);
  }
  return values;
}

/**
 * A client that pads its request past the limit gets the proxy's appended identity line dropped
 * while its own earlier one is kept. Refuse at the limit, and whenever Node kept fewer lines than
 * arrived (a server configured with a lower `maxHeadersCount`).
 */
function refuseTruncatedHeaders({ rawHeaders, headersDistinct }: PartnerRequest): void {
  const lines = rawHeaders.length / 2;
  let kept = 0;
  for (const values of Object.values(headersDistinct)) kept += values?.length ?? 0;
  if (lines >= NODE_HEADER_LINE_LIMIT || kept < lines) {
    throw new SessionRefusedError(
      'header_count_limit',
      `${lines} header lines reached the limit of ${NODE_HEADER_LINE_LIMIT}: lines past it would be dropped`,
    );
  }
}

/** Exactly one line of `name`: Node would join two into "alice, mallory", and a second means someone besides the proxy set it. */
function onlyValue(request: PartnerRequest, name: string): string {
  const values = rawValues(request.rawHeaders, name);
  if (values.length > 1)
    throw new SessionRefusedError('duplicate_header', `${name} sent ${values.length} times`);
  const [value] = values;
  if (value === undefined) {
    const reason = name === PROXY_SECRET_HEADER ? 'wrong_proxy_secret' : 'no_credentials';
    throw new SessionRefusedError(reason, `no ${name} header`);
  }
  return value;
}

/**
 * Trusts an identity header set by the partner's auth proxy, but only when the request also
 * carries the proxy's shared secret; comparing digests keeps the comparison constant-time
 * whatever the lengths. Either header sent more than once is refused.
 */
export function createHeaderAuthenticator(options: {
  userHeader: string;
  proxySecret: string;
}): PartnerAuthenticator {
  const expected = digest(options.proxySecret);
  return {
    async authenticate(request) {
      refuseTruncatedHeaders(request);
      const presented = onlyValue(request, PROXY_SECRET_HEADER);
      if (!timingSafeEqual(digest(presented), expected)) {
        throw new SessionRefusedError(
          'wrong_proxy_secret',
          `${PROXY_SECRET_HEADER} does not match PARTNER_PROXY_SECRET`,
        );
      }
      const userId = onlyValue(request, options.userHeader);
      const problem = userIdProblem(userId);
      if (problem !== undefined)
        throw new SessionRefusedError('invalid_user_id', `${options.userHeader} ${problem}`);
      return { userId };
    },
  };
}
