import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';

export type UserType = 'guest' | 'connected';

export interface MintedToken {
  readonly smallcaseAuthToken: string;
  readonly userType: UserType;
  /** Seconds since the epoch, equal to the token's `exp`. */
  readonly exp: number;
}

export interface TokenMinter {
  mintGuest(): MintedToken;
  mintConnected(smallcaseAuthId: string): MintedToken;
}

export interface TokenMinterOptions {
  gatewaySecret: string;
  ttlSeconds: number;
  now?: () => number;
}

/**
 * Mints `smallcaseAuthToken`s: HS256 with the partner's Gateway secret and a payload of
 * exactly `{guest, iat, exp}` or `{smallcaseAuthId, iat, exp}` (the only shapes the Gateway
 * accepts). The key is built once: jsonwebtoken rebuilds a string secret on every call.
 */
export function createTokenMinter(options: TokenMinterOptions): TokenMinter {
  const key = createSecretKey(Buffer.from(options.gatewaySecret, 'utf8'));
  const now = options.now ?? Date.now;
  const signOptions: jwt.SignOptions = { algorithm: 'HS256' };

  function mint(claims: { guest: true } | { smallcaseAuthId: string }, userType: UserType): MintedToken {
    const iat = Math.floor(now() / 1000);
    const exp = iat + options.ttlSeconds;
    const smallcaseAuthToken = jwt.sign({ ...claims, iat, exp }, key, signOptions);
    return { smallcaseAuthToken, userType, exp };
  }

  return {
    mintGuest: () => mint({ guest: true }, 'guest'),
    mintConnected: (smallcaseAuthId) => mint({ smallcaseAuthId }, 'connected'),
  };
}
