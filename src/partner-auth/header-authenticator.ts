import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors/app-errors.js';
import { isAcceptableUserId, type PartnerAuthenticator } from './partner-authenticator.js';

const PROXY_SECRET_HEADER = 'x-partner-proxy-secret';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

// Node would join repeated lines into "alice, mallory"; a second line means someone besides the proxy set it.
function onlyValue(values: string[] | undefined): string | undefined {
  return values?.length === 1 ? values[0] : undefined;
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
    async authenticate({ headersDistinct }) {
      const presented = onlyValue(headersDistinct[PROXY_SECRET_HEADER]);
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        throw new UnauthenticatedError();
      }
      const userId = onlyValue(headersDistinct[options.userHeader]);
      if (!isAcceptableUserId(userId)) throw new UnauthenticatedError();
      return { userId };
    },
  };
}
