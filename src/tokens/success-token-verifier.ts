import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** The `smallcaseAuthId` a Gateway-issued connected token names, or undefined when it does not verify. */
export type SuccessTokenVerifier = (token: unknown) => string | undefined;

const CLAIMS = ['exp', 'iat', 'smallcaseAuthId'];

/**
 * Verifies the connected `smallcaseAuthToken` the Gateway puts in a completed transaction's
 * `success` object (docs/gateway.md, "Transaction details: three shapes"): HS256 with the partner `secret` (a KeyObject made once),
 * payload exactly `{smallcaseAuthId, iat, exp}` with whole-second times. Its expiry is not
 * enforced: the token is read from the Gateway over our authenticated call as the record of who
 * completed the transaction, which stays true after its one hour of use as a credential (a link or
 * a webhook redelivery a day later must still find the user).
 */
export function createSuccessTokenVerifier(gatewaySecret: string): SuccessTokenVerifier {
  const key = createSecretKey(Buffer.from(gatewaySecret, 'utf8'));
  return (token) => {
    if (typeof token !== 'string' || token.length > 4096) return undefined;
    let payload: unknown;
    try {
      payload = jwt.verify(token, key, { algorithms: ['HS256'], ignoreExpiration: true });
    } catch {
      return undefined;
    }
    if (typeof payload !== 'object' || payload === null) return undefined;
    const claims = payload as Record<string, unknown>;
    if (Object.keys(claims).sort().join() !== CLAIMS.join()) return undefined;
    const { smallcaseAuthId, iat, exp } = claims;
    if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || (exp as number) <= (iat as number)) {
      return undefined;
    }
    if (typeof smallcaseAuthId !== 'string' || smallcaseAuthId.length < 1 || smallcaseAuthId.length > 256) {
      return undefined;
    }
    return smallcaseAuthId;
  };
}
