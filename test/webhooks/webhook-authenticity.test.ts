import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import type { WebhookOutcome } from '../../src/observability/metrics.js';
import { eventKeyOf, readAuthenticatedFields, readNotification } from '../../src/webhooks/webhook-payload.js';
import { CANARY } from '../support/canaries.js';
import { startTestEmulator } from '../support/gateway-emulator.js';
import { capturedLogLines } from '../support/log-capture.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { type Body, sign, webhookOutcomes } from './webhook-fixtures.js';

const MAX_AGE_SECONDS = 3600;

describe('POST /webhooks/smallcase: authenticity', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let outcomes: WebhookOutcome[];
  before(async () => {
    emulator = await startTestEmulator();
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = buildTestApp({
      env: {
        GATEWAY_API_URL: emulator.url,
        WEBHOOK_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
        // This file sends many refusals from one address; the refusal budget has its own test.
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      deps: { metrics: observed.metrics },
    });
  });
  after(async () => {
    await t.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.state.requests.splice(0);
    outcomes.splice(0);
  });

  const post = (body: unknown) =>
    request(t.app)
      .post('/webhooks/smallcase')
      .send(body as object);
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  let counter = 0;
  const account = () => `SCA_auth_${++counter}`;
  const isRecorded = (body: Body) => {
    const fields = readAuthenticatedFields(body);
    const event = fields && readNotification(body, fields);
    assert.ok(event, 'the body is readable');
    return t.store.webhooks.isRecorded(eventKeyOf(event));
  };
  const assertRefused = async (body: unknown, why: string) => {
    const res = await post(body);
    assert.equal(res.status, 401, `${why}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, 'unauthenticated', why);
    assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/, why);
  };

  it('accepts a correctly checksummed webhook with 200 {"received":true} and records it', async () => {
    const body = sign({ smallcaseAuthId: account(), timestamp: nowSeconds() });
    const res = await post(body).expect(200);
    assert.deepEqual(res.body, { received: true });
    assert.equal(await isRecorded(body), true);
    assert.deepEqual(outcomes, ['applied']);
    assert.equal(emulator.state.requests.length, 0, 'an unknown user needs no Gateway call');
  });

  it('accepts seconds, milliseconds and numeric strings, with the checksum over the text as sent', async () => {
    const id = account();
    const seconds = nowSeconds();
    await post(sign({ smallcaseAuthId: id, timestamp: seconds })).expect(200);
    await post(sign({ smallcaseAuthId: id, timestamp: seconds * 1000 + 123 })).expect(200);
    await post(sign({ smallcaseAuthId: id, timestamp: String(seconds + 1) })).expect(200);
    await post(sign({ smallcaseAuthId: id, timestamp: String((seconds + 2) * 1000) })).expect(200);
    const signedAsSeconds = sign({ smallcaseAuthId: id, timestamp: seconds + 3 });
    await assertRefused({ ...signedAsSeconds, timestamp: (seconds + 3) * 1000 }, 'the same instant in ms');
    await assertRefused({ ...signedAsSeconds, timestamp: `0${seconds + 3}` }, 'a leading zero');
  });

  it('accepts fractional seconds, and a number signed exactly as written (1.5e9, trailing zeros)', async () => {
    const id = account();
    const seconds = nowSeconds();
    // What JavaScript's Date.now() / 1000 and Python's time.time() send.
    await post(sign({ smallcaseAuthId: id, timestamp: seconds + 0.125 })).expect(200);
    await post(sign({ smallcaseAuthId: id, timestamp: String(seconds + 1.5) })).expect(200);

    // A Java double is written 1.733390001E9; trailing zeros survive some serializers. JSON.parse
    // keeps only the value, so the checksum is over the text the raw body carries.
    const checksumOver = (text: string) =>
      createHmac('sha256', CANARY.gatewayApiSecret).update(`${text}${id}`).digest('hex');
    const rawWebhook = (written: string, signedText: string) =>
      `{"securities":[{"timestamp":1}],"timestamp":${written},"smallcaseAuthId":"${id}","checksum":"${checksumOver(signedText)}"}`;
    // serialize: superagent would send a Buffer under a JSON type as JSON of the Buffer.
    const postRaw = (raw: string | Buffer, contentType = 'application/json') =>
      request(t.app)
        .post('/webhooks/smallcase')
        .set('content-type', contentType)
        .serialize((body: unknown) => body as string)
        .send(raw);
    const recordedAs = (text: string) =>
      t.store.webhooks.isRecorded(
        eventKeyOf({
          ...(readAuthenticatedFields(sign({ smallcaseAuthId: id })) ?? assert.fail()),
          timestampText: text,
        }),
      );
    const exponent = `${(seconds + 2) / 1e9}E9`;
    assert.equal(Number(exponent), seconds + 2);
    const trailingZeros = `${seconds + 3}.500`;
    for (const written of [exponent, trailingZeros]) {
      const res = await postRaw(rawWebhook(written, written));
      assert.equal(res.status, 200, `${written}: ${JSON.stringify(res.body)}`);
      assert.equal(await recordedAs(written), true, `${written} is recorded under the text as written`);
      const other = written === exponent ? `${(seconds + 2) / 1e8}e8` : `${seconds + 3}.50`;
      assert.equal((await postRaw(rawWebhook(written, other))).status, 401, `${written} signed as ${other}`);
    }
    // UTF-16 and a BOM: the text as sent is the text as decoded, like JSON.parse's input.
    const utf16 = Buffer.from(`\ufeff${rawWebhook(`${seconds + 8}.10`, `${seconds + 8}.10`)}`, 'utf16le');
    assert.equal((await postRaw(utf16, 'application/json; charset=utf-16le')).status, 200, 'UTF-16LE');
    const bom = `\ufeff${rawWebhook(`${seconds + 9}.10`, `${seconds + 9}.10`)}`;
    assert.equal((await postRaw(bom)).status, 200, 'UTF-8 with a BOM');

    // A number signed in its shortest form is that value whatever text carries it: the same event.
    outcomes.splice(0);
    assert.equal((await postRaw(rawWebhook(`${seconds + 5}.0`, `${seconds + 5}`))).status, 200);
    assert.equal((await postRaw(rawWebhook(`${seconds + 5}`, `${seconds + 5}`))).status, 200);
    assert.deepEqual(outcomes, ['applied', 'duplicate']);

    // A key twice with different values: JSON.parse keeps the last, a signer may have meant the first.
    const twice = `{"timestamp":${seconds + 9}.0,"timestamp":${seconds + 4}.0,"smallcaseAuthId":"${id}","checksum":"${checksumOver(`${seconds + 4}.0`)}"}`;
    assert.equal((await postRaw(twice)).status, 401);
    // JSON.parse takes any depth; a recursive re-read that runs out of stack is a refusal, not a crash.
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const nested = rawWebhook(`${seconds + 6}.0`, `${seconds + 6}.0`).replace(
      '"securities":[{"timestamp":1}]',
      `"deep":${deep}`,
    );
    assert.equal((await postRaw(nested)).status, 401);
    // Over 256 KB the number is not read again (an unauthenticated caller chooses the body).
    const padded = rawWebhook(`${seconds + 7}.0`, `${seconds + 7}.0`).replace(
      '"securities"',
      `"padding":"${'x'.repeat(256 * 1024)}","securities"`,
    );
    assert.equal((await postRaw(padded)).status, 401);
    assert.equal(
      (await postRaw(rawWebhook(`${seconds + 7}`, `${seconds + 7}`))).status,
      200,
      'still serving',
    );
  });

  it('refuses a tampered webhook: another account, another timestamp, another secret', async () => {
    const body = sign({ smallcaseAuthId: account(), timestamp: nowSeconds() });
    await assertRefused({ ...body, smallcaseAuthId: account() }, 'account swapped');
    await assertRefused({ ...body, timestamp: (body.timestamp as number) - 1 }, 'timestamp changed');
    await assertRefused(sign({ smallcaseAuthId: account() }, 'not-the-api-secret'), 'wrong key');
    const mf = sign({ transactionId: 'TRX_tampered', timestamp: nowSeconds() });
    await assertRefused({ ...mf, transactionId: 'TRX_other' }, 'transactionId swapped');
    const both = sign({ smallcaseAuthId: account(), transactionId: 'TRX_both', timestamp: nowSeconds() });
    await assertRefused(
      { ...both, smallcaseAuthId: account() },
      'signed account swapped beside a transactionId',
    );
    assert.equal(await isRecorded({ ...body, smallcaseAuthId: 'x' }), false);
    assert.deepEqual(new Set(outcomes), new Set(['rejected']));
    assert.equal(emulator.state.requests.length, 0, 'nothing fetched');
  });

  it('refuses stale webhooks and ones more than five minutes in the future, in seconds and in ms', async () => {
    const now = nowSeconds();
    await assertRefused(
      sign({ smallcaseAuthId: account(), timestamp: now - MAX_AGE_SECONDS - 60 }),
      'stale s',
    );
    await assertRefused(
      sign({ smallcaseAuthId: account(), timestamp: (now - MAX_AGE_SECONDS - 60) * 1000 }),
      'stale ms',
    );
    await assertRefused(sign({ smallcaseAuthId: account(), timestamp: now + 6 * 60 }), 'future s');
    await assertRefused(sign({ smallcaseAuthId: account(), timestamp: (now + 6 * 60) * 1000 }), 'future ms');
    await assertRefused(sign({ smallcaseAuthId: account(), timestamp: 0 }), 'epoch');
    await post(sign({ smallcaseAuthId: account(), timestamp: now - MAX_AGE_SECONDS + 60 })).expect(200);
    await post(sign({ smallcaseAuthId: account(), timestamp: (now + 4 * 60) * 1000 })).expect(200);
  });

  it('refuses malformed checksums without ever failing with a 500', async () => {
    const good = sign({ smallcaseAuthId: account(), timestamp: nowSeconds() });
    const checksum = good.checksum as string;
    const variants: unknown[] = [
      undefined,
      null,
      '',
      checksum.slice(0, 63),
      `${checksum}0`,
      `${checksum.slice(0, 62)}zz`,
      `${checksum.slice(0, 62)}ZZ`,
      'é'.repeat(32),
      '😀'.repeat(16),
      `${checksum.slice(0, 60)}\u0000abc`,
      ` ${checksum.slice(1)}`,
      `${checksum}\n`,
      Buffer.from(checksum, 'hex').toString('base64'),
      42,
      true,
      [checksum],
      { checksum },
    ];
    for (const variant of variants) {
      await assertRefused({ ...good, checksum: variant }, `checksum ${JSON.stringify(variant)}`);
    }
    assert.equal(await isRecorded(good), false);
  });

  it('refuses missing or malformed timestamps and ids, and bodies that are not objects', async () => {
    const id = account();
    const base = sign({ smallcaseAuthId: id, timestamp: nowSeconds() });
    const { timestamp: _dropped, ...noTimestamp } = base;
    const bodies: unknown[] = [
      noTimestamp,
      { ...base, timestamp: null },
      { ...base, timestamp: -1 },
      { ...base, timestamp: '1e12' },
      { ...base, timestamp: `${base.timestamp}.` },
      { ...base, timestamp: '-1700000000' },
      { ...base, timestamp: ' 1700000000' },
      { ...base, timestamp: { valueOf: 1 } },
      { ...base, smallcaseAuthId: 7 },
      { checksum: base.checksum, timestamp: base.timestamp },
      [base],
      {},
    ];
    for (const body of bodies) await assertRefused(body, `body ${JSON.stringify(body)}`);
    const invalid = await post(sign({ smallcaseAuthId: 'not an id!', timestamp: nowSeconds() }));
    assert.equal(invalid.status, 400, 'authentic but unusable ids');
  });

  it('refuses __proto__ and constructor.prototype keys with 400 (house rule), polluting nothing', async () => {
    const signed = JSON.stringify(sign({ smallcaseAuthId: account(), timestamp: nowSeconds() })).slice(1);
    for (const prefix of [
      '{"__proto__":{"polluted":"yes","intent":"HOLDINGS_IMPORT"},',
      '{"constructor":{"prototype":{"polluted":"yes"}},',
      '{"securities":[{"nested":{"__proto__":{"polluted":"yes"}}}],',
    ]) {
      const raw = `${prefix}${signed}`;
      const res = await request(t.app)
        .post('/webhooks/smallcase')
        .set('content-type', 'application/json')
        .send(raw);
      assert.equal(res.status, 400, raw.slice(0, 60));
      assert.equal(res.body.code, 'invalid_request');
      assert.equal(await isRecorded(JSON.parse(raw) as Body), false);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  it('reads only its own fields: a __proto__ key in a parsed body changes neither the kind nor the key', () => {
    const plain = sign({ smallcaseAuthId: 'SCA_proto', timestamp: nowSeconds() });
    const polluted = JSON.parse(
      `{"__proto__":{"intent":"HOLDINGS_IMPORT","status":"X"},${JSON.stringify(plain).slice(1)}`,
    );
    const event = readNotification(polluted, readAuthenticatedFields(polluted) ?? assert.fail());
    assert.equal(event?.kind, 'account');
    assert.equal(event?.status, undefined);
    const reference = readNotification(plain, readAuthenticatedFields(plain) ?? assert.fail());
    assert.equal(eventKeyOf(event ?? assert.fail()), eventKeyOf(reference ?? assert.fail()));
  });

  it('answers 415 for a non-JSON body and 413 above 1 MB, before any work', async () => {
    const body = sign({ smallcaseAuthId: account(), timestamp: nowSeconds() });
    const text = await request(t.app)
      .post('/webhooks/smallcase')
      .set('content-type', 'text/plain')
      .send(JSON.stringify(body));
    assert.equal(text.status, 415);
    assert.equal(text.body.code, 'unsupported_media_type');
    const huge = await post({ ...body, padding: 'x'.repeat(1024 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, 'payload_too_large');
    assert.equal(await isRecorded(body), false);
    assert.equal(outcomes.length, 0);
    await post({ ...body, padding: 'x'.repeat(500 * 1024) }).expect(200);
  });

  it('answers a sequential redelivery 200 without applying it again, and is not rate limited', async () => {
    const body = sign({ smallcaseAuthId: account(), timestamp: nowSeconds() });
    for (let i = 0; i < 70; i += 1) await post(body).expect(200);
    assert.equal(outcomes[0], 'applied');
    assert.equal(outcomes.filter((outcome) => outcome === 'duplicate').length, 69);
  });

  it('accepts ISO 8601 timestamps with a zone, signed over their text as sent; refuses zoneless or impossible ones', async () => {
    const id = account();
    const iso = new Date().toISOString();
    const india = new Date(Date.now() + 5.5 * 3600_000 - 1000).toISOString().replace('Z', '+05:30');
    await post(sign({ smallcaseAuthId: id, timestamp: iso })).expect(200);
    await post(sign({ smallcaseAuthId: id, timestamp: india })).expect(200);
    const signed = sign({ smallcaseAuthId: id, timestamp: new Date(Date.now() - 2000).toISOString() });
    const sameInstant = (signed.timestamp as string).replace('Z', '+00:00');
    await assertRefused({ ...signed, timestamp: sameInstant }, 'the same instant written otherwise');
    await assertRefused(sign({ smallcaseAuthId: id, timestamp: iso.replace('Z', '') }), 'no zone');
    await assertRefused(sign({ smallcaseAuthId: id, timestamp: '2026-02-30T10:00:00Z' }), 'no such day');
    await assertRefused(sign({ smallcaseAuthId: id, timestamp: iso.replace('T', ' ') }), 'not ISO 8601');
    const stale = new Date(Date.now() - (MAX_AGE_SECONDS + 60) * 1000).toISOString();
    await assertRefused(sign({ smallcaseAuthId: id, timestamp: stale }), 'stale ISO');
    const future = new Date(Date.now() + 6 * 60_000).toISOString();
    await assertRefused(sign({ smallcaseAuthId: id, timestamp: future }), 'future ISO');
    assert.deepEqual(outcomes.slice(0, 2), ['applied', 'applied']);
  });

  it('accepts the checksum in upper- or mixed-case hex, as the same event', async () => {
    const body = sign({ smallcaseAuthId: account(), timestamp: nowSeconds() });
    const checksum = body.checksum as string;
    await post({ ...body, checksum: checksum.toUpperCase() }).expect(200);
    await post({ ...body, checksum: `${checksum.slice(0, 32)}${checksum.slice(32).toUpperCase()}` }).expect(
      200,
    );
    await post(body).expect(200);
    assert.deepEqual(outcomes, ['applied', 'duplicate', 'duplicate']);
  });

  it('with both ids present, accepts a checksum over either; an id the checksum does not cover is ignored', async () => {
    const timestamp = nowSeconds();
    const id = account();
    await post(sign({ smallcaseAuthId: id, transactionId: 'TRX_pair', timestamp })).expect(200);
    const overTransaction = sign({ transactionId: 'TRX_mf_pair', timestamp });
    await post({ ...overTransaction, smallcaseAuthId: id }).expect(200);
    // The same MF delivery without the unsigned id is the same event: the added id counted for nothing.
    await post(overTransaction).expect(200);
    await post({ ...overTransaction, smallcaseAuthId: account() }).expect(200);
    assert.deepEqual(outcomes, ['applied', 'applied', 'duplicate', 'duplicate']);
  });
});

describe('POST /webhooks/smallcase: apiSecret rotation and the default maximum age', () => {
  let t: TestApp;
  let outcomes: WebhookOutcome[];
  before(() => {
    const observed = webhookOutcomes();
    outcomes = observed.outcomes;
    t = buildTestApp({
      env: { GATEWAY_API_SECRET_PREVIOUS: CANARY.previousGatewayApiSecret },
      deps: { metrics: observed.metrics },
    });
  });
  after(() => t.close());
  beforeEach(() => outcomes.splice(0));
  const post = (body: Body) => request(t.app).post('/webhooks/smallcase').send(body);
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  it('accepts checksums keyed with the new and the previous apiSecret, logging which, and no other key', async () => {
    const timestamp = nowSeconds();
    await post(sign({ smallcaseAuthId: 'SCA_rotation_new', timestamp })).expect(200);
    const old = sign({ smallcaseAuthId: 'SCA_rotation_old', timestamp }, CANARY.previousGatewayApiSecret);
    await post(old).expect(200);
    const mfOld = sign({ transactionId: 'TRX_rotation', timestamp }, CANARY.previousGatewayApiSecret);
    await post(mfOld).expect(200);
    const other = await post(
      sign({ smallcaseAuthId: 'SCA_rotation_x', timestamp }, 'some-third-secret-value'),
    );
    assert.equal(other.status, 401);
    assert.deepEqual(outcomes, ['applied', 'applied', 'applied', 'rejected']);
    const keyedWithPrevious = capturedLogLines().filter((line) =>
      line.includes('"checksumKey":"GATEWAY_API_SECRET_PREVIOUS"'),
    );
    assert.equal(keyedWithPrevious.length, 2);
  });

  it('keeps accepting webhooks for four days by default (the Gateway retries up to 48 h after 24 h)', async () => {
    const fourDays = 4 * 24 * 3600;
    await post(sign({ smallcaseAuthId: 'SCA_age_in', timestamp: nowSeconds() - fourDays + 60 })).expect(200);
    const tooOld = await post(
      sign({ smallcaseAuthId: 'SCA_age_out', timestamp: nowSeconds() - fourDays - 60 }),
    );
    assert.equal(tooOld.status, 401);
  });
});
