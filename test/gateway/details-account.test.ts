import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import {
  type DetailsShape,
  detailsShapesPresent,
  readDetailsAccount,
} from '../../src/gateway/details-account.js';
import { GatewayError } from '../../src/gateway/gateway-errors.js';
import { parseTransactionDetails } from '../../src/gateway/transaction-details.js';
import { createSuccessTokenVerifier } from '../../src/tokens/success-token-verifier.js';
import { CANARY } from '../support/canaries.js';

const verify = createSuccessTokenVerifier(CANARY.gatewaySecret);
const key = createSecretKey(Buffer.from(CANARY.gatewaySecret));
const iat = Math.floor(Date.now() / 1000);

/** A connected token as the Gateway returns it: HS256, `{smallcaseAuthId, iat, exp}` with exp = iat + 1 h. */
// jsonwebtoken adds an `iat` to a payload without one unless told not to.
const successToken = (claims: Record<string, unknown> = { smallcaseAuthId: 'SCA_1', iat, exp: iat + 3600 }) =>
  jwt.sign(claims, key, { algorithm: 'HS256', noTimestamp: claims.iat === undefined });

const success = (token: unknown, broker = 'upstox') => ({
  smallcaseAuthToken: token,
  broker,
  transactionId: 'TRX_1',
  signup: false,
  notes: null,
  data: null,
});

const accepted: Array<{
  readonly name: string;
  readonly data: unknown;
  readonly id: string | null;
  readonly broker: string | null;
  readonly shapes: readonly DetailsShape[];
}> = [
  {
    name: 'flat',
    data: { status: 'COMPLETED', smallcaseAuthId: 'SCA_1', broker: 'kite' },
    id: 'SCA_1',
    broker: 'kite',
    shapes: ['flat'],
  },
  {
    name: 'flat under transactionDetails',
    data: { transactionDetails: { status: 'COMPLETED', smallcaseAuthId: 'SCA_1', broker: 'kite' } },
    id: 'SCA_1',
    broker: 'kite',
    shapes: ['flat'],
  },
  {
    name: 'flat, the id at the top and the broker under transactionDetails',
    data: { smallcaseAuthId: 'SCA_1', transactionDetails: { status: 'COMPLETED', broker: 'kite' } },
    id: 'SCA_1',
    broker: 'kite',
    shapes: ['flat'],
  },
  {
    name: 'authid_meta (the Gateway model)',
    data: { status: 'COMPLETED', authId: 'SCA_1', meta: { broker: 'zerodha' } },
    id: 'SCA_1',
    broker: 'zerodha',
    shapes: ['authid_meta'],
  },
  {
    name: 'success_token (the SDK success object)',
    data: { status: 'COMPLETED', success: success(successToken()) },
    id: 'SCA_1',
    broker: 'upstox',
    shapes: ['success_token'],
  },
  {
    name: 'success_token long after the token expired (a redelivery a day later still finds the user)',
    data: {
      status: 'COMPLETED',
      success: success(successToken({ smallcaseAuthId: 'SCA_1', iat: 1, exp: 3601 })),
    },
    id: 'SCA_1',
    broker: 'upstox',
    shapes: ['success_token'],
  },
  {
    name: 'all three agreeing; the flat broker wins',
    data: {
      status: 'COMPLETED',
      smallcaseAuthId: 'SCA_1',
      broker: 'kite',
      authId: 'SCA_1',
      meta: { broker: 'zerodha' },
      success: success(successToken()),
    },
    id: 'SCA_1',
    broker: 'kite',
    shapes: ['flat', 'authid_meta', 'success_token'],
  },
  {
    name: 'not completed yet: every place empty',
    data: {
      status: 'INITIALIZED',
      smallcaseAuthId: null,
      broker: null,
      authId: null,
      meta: {},
      success: null,
    },
    id: null,
    broker: null,
    shapes: [],
  },
  {
    name: 'a success.smallcaseAuthId field is no source (the evidence has none)',
    data: { status: 'COMPLETED', success: { smallcaseAuthId: 'SCA_1', broker: 'kite' } },
    id: null,
    broker: 'kite',
    shapes: [],
  },
];

const refused: Array<{ readonly name: string; readonly data: unknown; readonly why: RegExp }> = [
  {
    name: 'flat and authid_meta naming different users',
    data: { status: 'COMPLETED', smallcaseAuthId: 'SCA_1', authId: 'SCA_2' },
    why: /different accounts \(flat and authid_meta\)/,
  },
  {
    name: 'flat and success_token naming different users',
    data: { status: 'COMPLETED', smallcaseAuthId: 'SCA_2', success: success(successToken()) },
    why: /different accounts \(flat and success_token\)/,
  },
  {
    name: 'data and data.transactionDetails naming different users',
    data: { smallcaseAuthId: 'SCA_2', transactionDetails: { status: 'COMPLETED', smallcaseAuthId: 'SCA_1' } },
    why: /different accounts/,
  },
  {
    name: 'a success token signed with another secret',
    data: {
      status: 'COMPLETED',
      success: success(jwt.sign({ smallcaseAuthId: 'SCA_1', iat, exp: iat + 60 }, 'another-secret-entirely')),
    },
    why: /does not verify/,
  },
  ...[
    ['a guest payload', { guest: true, iat, exp: iat + 60 }],
    ['an extra claim', { smallcaseAuthId: 'SCA_1', iat, exp: iat + 60, sub: 'x' }],
    ['no exp', { smallcaseAuthId: 'SCA_1', iat }],
    ['no iat', { smallcaseAuthId: 'SCA_1', exp: iat + 60 }],
    ['exp before iat', { smallcaseAuthId: 'SCA_1', iat, exp: iat - 1 }],
    ['a numeric id', { smallcaseAuthId: 1, iat, exp: iat + 60 }],
  ].map(([what, claims]) => ({
    name: `a success token with ${what}`,
    data: { status: 'COMPLETED', success: success(successToken(claims as Record<string, unknown>)) },
    why: /does not verify/,
  })),
  {
    name: 'a success token signed HS512',
    data: {
      status: 'COMPLETED',
      success: success(
        jwt.sign({ smallcaseAuthId: 'SCA_1', iat, exp: iat + 60 }, key, { algorithm: 'HS512' }),
      ),
    },
    why: /does not verify/,
  },
  {
    name: 'an unsigned (alg none) success token',
    data: {
      status: 'COMPLETED',
      success: success(jwt.sign({ smallcaseAuthId: 'SCA_1', iat, exp: iat + 60 }, '', { algorithm: 'none' })),
    },
    why: /does not verify/,
  },
  {
    name: 'a success token that is no JWT',
    data: { success: success('not-a-token') },
    why: /does not verify/,
  },
  { name: 'a success token that is a number', data: { success: success(42) }, why: /does not verify/ },
  { name: 'a numeric smallcaseAuthId', data: { smallcaseAuthId: 42 }, why: /cannot read/ },
  { name: 'an empty authId', data: { authId: '' }, why: /cannot read/ },
];

describe('transaction details: where the user and the broker are read from (GATEWAY.md 3.3a)', () => {
  for (const row of accepted) {
    it(`reads ${row.name}`, () => {
      const account = readDetailsAccount(row.data, verify);
      assert.equal(account.smallcaseAuthId, row.id);
      assert.equal(account.broker, row.broker);
      assert.deepEqual(account.shapes, row.shapes);
    });
  }

  for (const row of refused) {
    it(`links nobody for ${row.name}: a gateway_error that never carries the token`, () => {
      const thrown = (() => {
        try {
          readDetailsAccount(row.data, verify);
        } catch (error) {
          return error;
        }
        assert.fail('accepted');
      })();
      assert.ok(thrown instanceof GatewayError);
      assert.equal(thrown.code, 'gateway_error');
      assert.match(thrown.message, row.why);
      assert.doesNotMatch(thrown.message, /eyJ|SCA_/);
    });
  }

  it('tells gateway:check which shapes a not yet completed transaction already carries', () => {
    assert.deepEqual(detailsShapesPresent({ status: 'INITIALIZED', smallcaseAuthId: null, broker: null }), [
      'flat',
    ]);
    assert.deepEqual(detailsShapesPresent({ transactionDetails: { authId: null, meta: {} } }), [
      'authid_meta',
    ]);
    assert.deepEqual(detailsShapesPresent({ success: null }), ['success_token']);
    assert.deepEqual(detailsShapesPresent({ status: 'INITIALIZED' }), []);
  });

  it('reads expireAt in any date-like form, and null for one it cannot read, without failing the details', () => {
    const at = Date.UTC(2026, 10, 25, 10, 20);
    const iso = new Date(at).toISOString();
    for (const expireAt of [
      iso,
      at,
      at / 1000,
      String(at),
      { $date: iso },
      { $date: { $numberLong: String(at) } },
    ]) {
      const details = parseTransactionDetails({ status: 'INITIALIZED', expireAt }, 'TRX_1', verify);
      assert.equal(details.expireAt, iso, JSON.stringify(expireAt));
    }
    for (const expireAt of ['soon', -5, 1.5, { when: at }, [at], true]) {
      const details = parseTransactionDetails({ status: 'INITIALIZED', expireAt }, 'TRX_1', verify);
      assert.equal(details.expireAt, null, JSON.stringify(expireAt));
    }
  });
});
