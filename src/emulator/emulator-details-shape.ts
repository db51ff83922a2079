import type { DetailsShape } from '../gateway/details-account.js';
import type { EmulatedTransaction } from './emulator-state.js';

/** How the emulator writes dates it sends (`expireAt`); `unreadable` exercises the callers' fallback. */
export type ExpireAtForm = 'iso' | 'epoch_ms' | 'epoch_s' | 'mongo_date' | 'unreadable';

export const EXPIRE_AT_FORMS: readonly ExpireAtForm[] = [
  'iso',
  'epoch_ms',
  'epoch_s',
  'mongo_date',
  'unreadable',
];

/** The answer shapes a test or developer picks with `POST /__emulator/shape`. */
export interface EmulatorShapes {
  details: DetailsShape;
  expireAt: ExpireAtForm;
}

export function defaultShapes(): EmulatorShapes {
  return { details: 'flat', expireAt: 'iso' };
}

/** `at` (epoch ms) written the way `form` says. */
export function writeDate(at: number, form: ExpireAtForm): unknown {
  switch (form) {
    case 'iso':
      return new Date(at).toISOString();
    case 'epoch_ms':
      return at;
    case 'epoch_s':
      return Math.floor(at / 1000);
    case 'mongo_date':
      return { $date: new Date(at).toISOString() };
    case 'unreadable':
      return 'in five minutes';
  }
}

// The SDK's error codes for the Gateway model's numeric `error.code`.
const SDK_ERROR_CODES: Record<string, number> = {
  user_cancelled: 1010,
  consent_denied: 1003,
  transaction_expired: 1005,
  user_mismatch: 1001,
};

/**
 * Transaction details in one of the three shapes of docs/gateway.md. `signSuccessToken` mints the
 * connected token the SDK success object carries (HS256 with the partner secret).
 */
export function detailsView(
  trx: EmulatedTransaction,
  now: number,
  shapes: EmulatorShapes,
  signSuccessToken: (smallcaseAuthId: string) => string,
): Record<string, unknown> {
  const common = {
    transactionId: trx.transactionId,
    intent: trx.intent,
    status: trx.status,
    expired: trx.status === 'INITIALIZED' && now >= trx.expireAt,
    expireAt: writeDate(trx.expireAt, shapes.expireAt),
    createdAt: new Date(trx.createdAt).toISOString(),
    updatedAt: new Date(trx.updatedAt).toISOString(),
    orderConfig: trx.orderConfig ?? null,
    notes: trx.notes,
  };
  switch (shapes.details) {
    case 'flat':
      return { ...common, smallcaseAuthId: trx.smallcaseAuthId, broker: trx.broker, error: trx.error };
    case 'authid_meta':
      return {
        ...common,
        authId: trx.smallcaseAuthId,
        meta: { broker: trx.broker },
        error: trx.error && {
          value: trx.error.code,
          code: SDK_ERROR_CODES[trx.error.code] ?? 2000,
          message: trx.error.message,
        },
      };
    case 'success_token': {
      const account = trx.status === 'COMPLETED' ? trx.smallcaseAuthId : null;
      const success = account && {
        smallcaseAuthToken: signSuccessToken(account),
        broker: trx.broker,
        transactionId: trx.transactionId,
        signup: false,
        notes: trx.notes,
        data: null,
      };
      return { ...common, error: trx.error, success: success || null };
    }
  }
}
