import { z } from 'zod';

/**
 * Request bodies of `POST /transactions`, one schema per intent (docs/gateway.md, "POST /transactions"). Objects are
 * strict so a misspelt field is a 400 naming it; the validated value is what goes upstream.
 */
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');
const notes = z.string().max(256);
const ticker = z.string().regex(/^[A-Z0-9][A-Z0-9&_.-]{0,31}$/, 'must be an NSE symbol');

const security = z.strictObject({
  ticker,
  quantity: z.int().min(1).max(1_000_000).optional(),
  type: z.enum(['BUY', 'SELL']).optional(),
});

// The docs show mixed arrays as invalid: quantity/type go on every security or on none.
const securitiesOrder = z
  .strictObject({ type: z.literal('SECURITIES'), securities: z.array(security).min(1).max(100) })
  .superRefine((order, ctx) => {
    for (const field of ['quantity', 'type'] as const) {
      const missing = order.securities.findIndex((s) => s[field] === undefined);
      if (missing >= 0 && order.securities.some((s) => s[field] !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['securities', missing, field],
          message: `required because another security has a ${field}`,
        });
      }
    }
  });

/**
 * smallcase order types with a documented request body (docs/gateway.md, `POST /transactions`). The Gateway's model knows
 * no `REPAIR` (the docs' other name for `FIX`); its internal types (`REBALANCE_BUY`, `DUMMY`, ...)
 * have no documented body, so they are not accepted either.
 */
export const SMALLCASE_ORDER_TYPES = [
  'BUY',
  'INVESTMORE',
  'FIX',
  'REBALANCE',
  'SIP',
  'MANAGE',
  'EXIT',
] as const;

/** Every intent the service can validate; GATEWAY_INTENTS narrows it. */
export const TRANSACTION_INTENTS: readonly string[] = Object.freeze([
  'CONNECT',
  'TRANSACTION',
  'SIP_SETUP',
  'IMR_SETUP',
  'HOLDINGS_IMPORT',
  'FETCH_FUNDS',
  'AUTHORISE_HOLDINGS',
  'MF_HOLDINGS_IMPORT',
]);
const smallcaseOrder = z.strictObject({
  type: z.enum(SMALLCASE_ORDER_TYPES),
  scid: id,
  iscid: id.optional(),
});

const mfAssetConfig = z.strictObject({
  fromDate: z.iso.date().optional(),
  pan: z
    .string()
    .regex(/^[A-Z]{5}[0-9]{4}[A-Z]$/, 'must be an uppercase PAN')
    .optional(),
  phone: z
    .string()
    .regex(/^[6-9][0-9]{9}$/, 'must be a 10-digit Indian mobile number')
    .optional(),
  email: z.email().max(254).optional(),
  flow: z.literal('wealth').optional(),
});

export const transactionRequest = z.discriminatedUnion(
  'intent',
  [
    z.strictObject({ intent: z.literal('CONNECT') }),
    z.strictObject({
      intent: z.literal('TRANSACTION'),
      orderConfig: z.discriminatedUnion('type', [securitiesOrder, smallcaseOrder]),
      notes: notes.optional(),
    }),
    z.strictObject({ intent: z.literal('SIP_SETUP'), orderConfig: z.strictObject({ iscid: id }) }),
    z.strictObject({ intent: z.literal('IMR_SETUP'), orderConfig: z.strictObject({ iscid: id }) }),
    z.strictObject({
      intent: z.literal('HOLDINGS_IMPORT'),
      version: z.literal('v2').optional(),
      assetConfig: z
        .strictObject({
          mfHoldings: z
            .union([z.boolean(), z.enum(['true', 'false'])])
            .transform(String)
            .optional(),
        })
        .optional(),
      notes: notes.optional(),
    }),
    z.strictObject({ intent: z.literal('FETCH_FUNDS') }),
    z.strictObject({ intent: z.literal('AUTHORISE_HOLDINGS') }),
    z.strictObject({
      intent: z.literal('MF_HOLDINGS_IMPORT'),
      assetConfig: mfAssetConfig.optional(),
      responseConfig: z
        .strictObject({ casDetail: z.boolean().optional(), casSummary: z.boolean().optional() })
        .optional(),
      notes: notes.optional(),
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `must be one of ${TRANSACTION_INTENTS.join(', ')}` : undefined,
  },
);

export type TransactionRequest = z.output<typeof transactionRequest>;

/** Which `smallcaseAuthToken` an intent needs (docs/gateway.md, "POST /transactions", token column). */
export type TokenPolicy = 'guest' | 'connected' | 'either';

export function tokenPolicyOf(request: TransactionRequest): TokenPolicy {
  switch (request.intent) {
    case 'CONNECT':
      return 'guest';
    case 'TRANSACTION':
      return request.orderConfig.type === 'SECURITIES' || request.orderConfig.type === 'BUY'
        ? 'either'
        : 'connected';
    case 'SIP_SETUP':
    case 'IMR_SETUP':
    case 'FETCH_FUNDS':
    case 'AUTHORISE_HOLDINGS':
      return 'connected';
    case 'HOLDINGS_IMPORT':
    case 'MF_HOLDINGS_IMPORT':
      return 'either';
  }
}
