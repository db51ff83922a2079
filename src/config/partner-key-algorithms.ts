import type { KeyObject } from 'node:crypto';

export const HMAC_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGORITHMS_BY_CURVE: Record<string, string> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};
export const ASYMMETRIC_ALGORITHMS: readonly string[] = [
  ...RSA_ALGORITHMS,
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/**
 * The JWS algorithms a partner public key can verify, or undefined for a key type partner
 * sessions do not support. Used at start-up to refuse an allow-list that fits no token.
 */
export function algorithmsForPublicKey(publicKey: KeyObject): readonly string[] | undefined {
  switch (publicKey.asymmetricKeyType) {
    case 'rsa':
      return RSA_ALGORITHMS;
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const algorithm = EC_ALGORITHMS_BY_CURVE[publicKey.asymmetricKeyDetails?.namedCurve ?? ''];
      return algorithm ? [algorithm] : undefined;
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA'];
    default:
      return undefined;
  }
}
