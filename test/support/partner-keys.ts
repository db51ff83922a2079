import { generateKeyPairSync } from 'node:crypto';

export interface PemKeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** Fresh PEM key pairs for partner-session tests (a partner's IdP would hold the private half). */
export const generatePemKeyPair = {
  rsa: (): PemKeyPair =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }),
  ec: (namedCurve = 'P-256'): PemKeyPair =>
    generateKeyPairSync('ec', {
      namedCurve,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }),
  ed25519: (): PemKeyPair =>
    generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }),
};
