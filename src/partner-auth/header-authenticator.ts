import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors/app-errors.js';
import { isAcceptableUserId, type PartnerAuthenticator } from './partner-authenticator.js';

const PROXY_SECRET_HEADER = 'x-partner-proxy-secret';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Trusts an identity header set by the partner's auth proxy, but only when the request also
 * carries the proxy's shared secret; comparing digests keeps the comparison constant-time
 * whatever the lengths.
 */
export function createHeaderAuthenticator(options: {
  userHeader: string;
  proxySecret: string;
}): PartnerAuthenticator {
  const expected = digest(options.proxySecret);
  return {
    async authenticate(headers) {
      const presented = headers[PROXY_SECRET_HEADER];
      if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), expected)) {
        throw new UnauthenticatedError();
      }
      const userId = headers[options.userHeader];
      if (!isAcceptableUserId(userId)) throw new UnauthenticatedError();
      return { userId };
    },
  };
}
