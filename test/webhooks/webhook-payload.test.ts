import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isValidWebhookChecksum } from '../../src/webhooks/webhook-checksum.js';
import {
  eventKeyOf,
  isFresh,
  readAuthenticatedFields,
  readNotification,
  type WebhookNotification,
} from '../../src/webhooks/webhook-payload.js';

const notification = (body: Record<string, unknown>): WebhookNotification => {
  const fields = readAuthenticatedFields({ checksum: 'x', ...body });
  return readNotification(body, fields ?? assert.fail('fields')) ?? assert.fail('notification');
};

describe('webhook payload reading', () => {
  it('never throws on arbitrary JSON, and the checksum check never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (body, checksum) => {
        const fields = readAuthenticatedFields(body);
        if (fields) readNotification(body, fields);
        assert.equal(
          isValidWebhookChecksum('k', { timestamp: 1, smallcaseAuthId: 'a' }, checksum as unknown),
          false,
        );
      }),
    );
  });

  it('reads seconds and milliseconds (>= 1e12), keeping the timestamp text as sent', () => {
    const read = (timestamp: unknown) =>
      readAuthenticatedFields({ checksum: 'c', timestamp, smallcaseAuthId: 'a' });
    assert.equal(read(1_700_000_000)?.timestampMs, 1_700_000_000_000);
    assert.equal(read(999_999_999_999)?.timestampMs, 999_999_999_999_000);
    assert.equal(read(1_000_000_000_000)?.timestampMs, 1_000_000_000_000);
    assert.equal(read('1700000000123')?.timestampMs, 1_700_000_000_123);
    assert.equal(read('0017')?.timestampText, '0017');
    assert.equal(read(1.5), undefined);
    assert.equal(read(Number.MAX_SAFE_INTEGER + 2), undefined);
    assert.equal(
      readAuthenticatedFields({ timestamp: 1_700_000_000, smallcaseAuthId: 'a' }),
      undefined,
      'no checksum',
    );
  });

  it('is fresh up to the maximum age in the past and five minutes in the future', () => {
    const now = 1_700_000_000_000;
    assert.equal(isFresh(now - 3600_000, now, 3600), true);
    assert.equal(isFresh(now - 3600_001, now, 3600), false);
    assert.equal(isFresh(now + 300_000, now, 3600), true);
    assert.equal(isFresh(now + 300_001, now, 3600), false);
  });

  it('tells the kinds apart and keys events by kind, ids, timestamp text, batch and status', () => {
    const base = { timestamp: 1_700_000_000, smallcaseAuthId: 'SCA', transactionId: 'TRX_1' };
    assert.equal(notification(base).kind, 'transaction');
    assert.equal(notification({ ...base, intent: 'HOLDINGS_IMPORT' }).kind, 'holdings_import');
    assert.equal(notification({ ...base, securities: [] }).kind, 'holdings_import');
    assert.equal(notification({ timestamp: 1, transactionId: 'TRX_1' }).kind, 'mf_holdings_import');
    assert.equal(notification({ timestamp: 1, smallcaseAuthId: 'SCA' }).kind, 'account');
    const key = eventKeyOf(notification(base));
    assert.equal(eventKeyOf(notification({ ...base, orders: [1], checksum: 'other' })), key, 'redelivery');
    assert.equal(eventKeyOf(notification({ ...base, timestamp: '1700000000' })), key, 'same text');
    for (const variant of [
      { ...base, status: 'COMPLETED' },
      { ...base, batchId: 'B1' },
      { ...base, timestamp: 1_700_000_001 },
      { ...base, transactionId: 'TRX_2' },
    ]) {
      assert.notEqual(eventKeyOf(notification(variant)), key, JSON.stringify(variant));
    }
    assert.equal(notification({ ...base, status: { $ne: 1 }, batchId: 'x'.repeat(200) }).status, undefined);
  });
});
