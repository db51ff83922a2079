import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  computeWebhookChecksum,
  isValidWebhookChecksum,
  signWebhook,
} from '../../src/webhooks/webhook-checksum.js';

const hmac = (message: string) => createHmac('sha256', 'api-secret').update(message).digest('hex');

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

  it('accepts only the exact lowercase hex checksum', () => {
    const input = { timestamp: 1700000000, smallcaseAuthId: 'SCA' };
    const good = hmac('1700000000SCA');
    assert.equal(isValidWebhookChecksum('api-secret', input, good), true);
    assert.equal(isValidWebhookChecksum('api-secret', input, good.toUpperCase()), false);
    assert.equal(isValidWebhookChecksum('api-secret', { ...input, timestamp: '1700000000.0' }, good), false);
    assert.equal(isValidWebhookChecksum('other-secret', input, good), false);
    assert.equal(isValidWebhookChecksum('api-secret', { timestamp: 1 }, good), false);
    assert.equal(isValidWebhookChecksum('api-secret', input, 42), false);
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
