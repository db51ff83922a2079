import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  computeWebhookChecksum,
  signWebhook,
  verifyWebhookChecksum,
} from '../../src/webhooks/webhook-checksum.js';

const hmac = (message: string, key = 'api-secret') => createHmac('sha256', key).update(message).digest('hex');

describe('webhook checksum', () => {
  it('covers the timestamp text then smallcaseAuthId, falling back to transactionId', () => {
    assert.equal(
      computeWebhookChecksum('api-secret', {
        timestamp: 1700000000,
        smallcaseAuthId: 'SCA',
        transactionId: 'TRX_1',
      }),
      hmac('1700000000SCA'),
    );
    assert.equal(
      computeWebhookChecksum('api-secret', { timestamp: '1700000000123', transactionId: 'TRX_1' }),
      hmac('1700000000123TRX_1'),
    );
  });

  it('accepts the exact checksum in either letter case, and nothing else', () => {
    const input = { timestamp: 1700000000, smallcaseAuthId: 'SCA' };
    const good = hmac('1700000000SCA');
    const mixed = [...good].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
    for (const variant of [good, good.toUpperCase(), mixed]) {
      assert.deepEqual(verifyWebhookChecksum(['api-secret'], input, variant), {
        signedId: 'smallcaseAuthId',
        keyIndex: 0,
      });
    }
    const refused: Array<[string, unknown, typeof input | { timestamp: number }]> = [
      ['other text of the same instant', good, { ...input, timestamp: '1700000000.0' } as never],
      ['no id at all', good, { timestamp: 1 }],
      ['not a string', 42, input],
      ['63 digits', good.slice(1), input],
      ['non-hex', `${good.slice(0, 62)}zz`, input],
    ];
    for (const [why, checksum, fields] of refused) {
      assert.equal(verifyWebhookChecksum(['api-secret'], fields, checksum), undefined, why);
    }
    assert.equal(verifyWebhookChecksum(['other-secret'], input, good), undefined, 'another key');
  });

  it('tries both ids when both are present and says which one the checksum covers', () => {
    const both = { timestamp: '1700000000', smallcaseAuthId: 'SCA', transactionId: 'TRX_1' };
    assert.deepEqual(verifyWebhookChecksum(['api-secret'], both, hmac('1700000000SCA')), {
      signedId: 'smallcaseAuthId',
      keyIndex: 0,
    });
    assert.deepEqual(verifyWebhookChecksum(['api-secret'], both, hmac('1700000000TRX_1')), {
      signedId: 'transactionId',
      keyIndex: 0,
    });
    assert.equal(verifyWebhookChecksum(['api-secret'], both, hmac('1700000000SCATRX_1')), undefined);
  });

  it('accepts a checksum keyed with the previous apiSecret and reports it as key 1', () => {
    const input = { timestamp: 1700000000, transactionId: 'TRX_1' };
    const keys = ['new-secret', 'old-secret'];
    assert.deepEqual(verifyWebhookChecksum(keys, input, hmac('1700000000TRX_1', 'old-secret')), {
      signedId: 'transactionId',
      keyIndex: 1,
    });
    assert.deepEqual(verifyWebhookChecksum(keys, input, hmac('1700000000TRX_1', 'new-secret')), {
      signedId: 'transactionId',
      keyIndex: 0,
    });
    assert.equal(
      verifyWebhookChecksum(['new-secret'], input, hmac('1700000000TRX_1', 'old-secret')),
      undefined,
    );
  });

  it('signs a body: extra fields, the timestamp as given, the ids present, and a checksum no extra can replace', () => {
    const body = signWebhook(
      'api-secret',
      { timestamp: '0017', transactionId: 'TRX_1' },
      { intent: 'CONNECT', checksum: 'forged' },
    );
    assert.deepEqual(body, {
      intent: 'CONNECT',
      timestamp: '0017',
      transactionId: 'TRX_1',
      checksum: hmac('0017TRX_1'),
    });
    const withAccount = signWebhook('api-secret', { timestamp: 1700000000, smallcaseAuthId: 'SCA' });
    assert.deepEqual(withAccount, {
      timestamp: 1700000000,
      smallcaseAuthId: 'SCA',
      checksum: hmac('1700000000SCA'),
    });
  });
});
