import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { verifyWebhookChecksum } from '../../src/webhooks/webhook-checksum.js';
import {
  eventKeyOf,
  isFresh,
  readAuthenticatedFields,
  readNotification,
  storedFieldsOf,
  type WebhookNotification,
  writtenTimestampText,
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
          verifyWebhookChecksum(['k', 'k2'], { timestamp: 1, smallcaseAuthId: 'a' }, checksum as unknown),
          undefined,
        );
      }),
    );
  });

  it('reads seconds, milliseconds (>= 1e12) and ISO 8601 with a zone, keeping the timestamp text as sent', () => {
    const read = (timestamp: unknown) =>
      readAuthenticatedFields({ checksum: 'c', timestamp, smallcaseAuthId: 'a' });
    assert.equal(read(1_700_000_000)?.timestampMs, 1_700_000_000_000);
    assert.equal(read(999_999_999_999)?.timestampMs, 999_999_999_999_000);
    assert.equal(read(1_000_000_000_000)?.timestampMs, 1_000_000_000_000);
    assert.equal(read('1700000000123')?.timestampMs, 1_700_000_000_123);
    assert.equal(read('0017')?.timestampText, '0017');
    assert.equal(read('2026-11-25T10:15:00Z')?.timestampMs, Date.UTC(2026, 10, 25, 10, 15));
    assert.equal(read('2026-11-25T15:45:00.250+05:30')?.timestampMs, Date.UTC(2026, 10, 25, 10, 15, 0, 250));
    assert.equal(read('2026-11-25T15:45:00.250+05:30')?.timestampText, '2026-11-25T15:45:00.250+05:30');
    for (const refused of [
      '2026-11-25T10:15:00',
      '2026-11-25 10:15:00Z',
      '2026-02-30T10:15:00Z',
      'tomorrow',
    ]) {
      assert.equal(read(refused), undefined, refused);
    }
    assert.equal(read(1_700_000_000.25)?.timestampMs, 1_700_000_000_250);
    assert.equal(read('1700000000.5')?.timestampMs, 1_700_000_000_500);
    assert.equal(read(1_700_000_000_000.5)?.timestampMs, 1_700_000_000_000.5);
    for (const refused of [-1, '-1', '1e12', '1700000000.', '.5', Number.NaN]) {
      assert.equal(read(refused), undefined, String(refused));
    }
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

  it('tells the kinds apart', () => {
    const base = { timestamp: 1_700_000_000, smallcaseAuthId: 'SCA', transactionId: 'TRX_1' };
    assert.equal(notification(base).kind, 'transaction');
    assert.equal(notification({ ...base, intent: 'HOLDINGS_IMPORT' }).kind, 'holdings_import');
    assert.equal(notification({ ...base, securities: [] }).kind, 'holdings_import');
    assert.equal(notification({ timestamp: 1, transactionId: 'TRX_1' }).kind, 'mf_holdings_import');
    assert.equal(notification({ timestamp: 1, smallcaseAuthId: 'SCA' }).kind, 'account');
    assert.equal(notification({ ...base, status: { $ne: 1 }, batchId: 'x'.repeat(200) }).status, undefined);
  });

  it('reads a number timestamp as written in the raw body, and nothing from an ambiguous one', () => {
    assert.equal(writtenTimestampText('{"timestamp": 1.70e9, "smallcaseAuthId":"a"}'), '1.70e9');
    assert.equal(writtenTimestampText('{"a":{"timestamp":5},"timestamp":1700000000.10}'), '1700000000.10');
    assert.equal(writtenTimestampText('{"timestamp":"1700000000"}'), undefined, 'a string');
    assert.equal(writtenTimestampText('{"nested":{"timestamp":1}}'), undefined, 'not at the top');
    assert.equal(writtenTimestampText('{"timestamp":1,"timestamp":2}'), undefined, 'twice, two values');
    assert.equal(writtenTimestampText('{"timestamp":1,'), undefined, 'not JSON');
    assert.equal(writtenTimestampText('[1]'), undefined);
    assert.equal(writtenTimestampText(`{"timestamp":1.${'0'.repeat(40)}1}`), undefined, 'not a timestamp');
  });

  it('keys events by the signed fields only: timestamp text and ids, whatever else differs', () => {
    const base = { timestamp: 1_700_000_000, smallcaseAuthId: 'SCA', transactionId: 'TRX_1' };
    const key = eventKeyOf(notification(base));
    for (const replay of [
      { ...base, orders: [1], checksum: 'other' },
      { ...base, status: 'COMPLETED', batchId: 'B1', intent: 'HOLDINGS_IMPORT' },
      { ...base, padding: 'x'.repeat(10_000) },
      { ...base, timestamp: '1700000000' },
    ]) {
      assert.equal(eventKeyOf(notification(replay)), key, JSON.stringify(replay).slice(0, 80));
    }
    for (const variant of [
      { ...base, timestamp: 1_700_000_001 },
      { ...base, timestamp: 1_700_000_000_000 },
      { ...base, transactionId: 'TRX_2' },
      { ...base, smallcaseAuthId: 'SCB' },
      { timestamp: base.timestamp, smallcaseAuthId: 'SCA' },
    ]) {
      assert.notEqual(eventKeyOf(notification(variant)), key, JSON.stringify(variant));
    }
  });

  it('keeps only the fields the service reads', () => {
    const event = notification({
      timestamp: 1_700_000_000,
      transactionId: 'TRX_1',
      status: 'COMPLETED',
      orders: [{ tradingsymbol: 'INFY' }],
      padding: 'x'.repeat(1000),
      nested: { deep: true },
    });
    assert.deepEqual(storedFieldsOf(event), {
      timestamp: '1700000000',
      transactionId: 'TRX_1',
      status: 'COMPLETED',
    });
  });
});
