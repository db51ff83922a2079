import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../config/config-types.js';

const DEV_SESSION_SECONDS = 3600;

export interface DevSessionSigner {
  /** A one-hour partner session JWT for `userId`, as the partner's own login would issue it. */
  sign(userId: string): string;
}

/**
 * Development-only login, so the flow can be tried by hand: undefined unless `DEV_LOGIN` is on
 * (the config refuses it in production) and sessions are verified with an HS secret, because
 * dev sessions are signed with that very secret.
 */
export function createDevSessionSigner(config: Config): DevSessionSigner | undefined {
  const auth = config.partnerAuth;
  if (!config.devLogin || auth.mode !== 'jwt' || auth.key.kind !== 'secret') return undefined;
  const key = createSecretKey(Buffer.from(auth.key.secret, 'utf8'));
  // Signed exactly as the verifier expects, so dev sessions work with ISSUER/AUDIENCE/ALGORITHMS set.
  const signOptions: jwt.SignOptions = {
    algorithm: (auth.algorithms?.[0] ?? 'HS256') as jwt.Algorithm,
    expiresIn: DEV_SESSION_SECONDS,
    ...(auth.issuer === undefined ? {} : { issuer: auth.issuer }),
    ...(auth.audience === undefined ? {} : { audience: auth.audience }),
  };
  const userClaim = auth.userClaim;
  return { sign: (userId) => jwt.sign({ [userClaim]: userId }, key, signOptions) };
}
