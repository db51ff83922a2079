import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { GatewayClient } from '../../src/gateway/gateway-client.js';
import { createGatewayPaths, GATEWAY_PATH_DEFAULTS } from '../../src/gateway/gateway-paths.js';
import { createHoldingsService } from '../../src/holdings/holdings-service.js';
import type { UserTokens } from '../../src/tokens/user-tokens.js';

const paths = createGatewayPaths({ gatewayName: 'gatewaytest' });
const allowed = new Set<string>(GATEWAY_PATH_DEFAULTS.engineReadPaths);

function serviceRecordingCalls() {
  const calls: { path: string; query: string }[] = [];
  const gateway = {
    paths,
    engine: async (call: { path: string; query: string }) => {
      calls.push({ path: call.path, query: call.query });
      return {};
    },
  } as unknown as GatewayClient;
  const tokens: UserTokens = {
    forUser: async () => ({ link: undefined, authToken: 'guest-token' }),
    guest: () => 'guest-token',
    connected: () => 'connected-token',
  };
  return { service: createHoldingsService({ gateway, tokens }), calls };
}

// Strings built from the characters path tricks are made of, plus allow-listed fragments.
const trickyPath = fc
  .array(
    fc.oneof(
      fc.constantFrom('user', 'holdings', 'smallcases', 'smallcase', 'market', 'news', 'transactiondetails'),
      fc.constantFrom(
        '/',
        '//',
        '..',
        '.',
        '%2e',
        '%2E',
        '%2F',
        '%2f',
        '\\',
        '%5C',
        '%00',
        '\u0000',
        '\n',
        ';',
        '?',
        '#',
        ' ',
      ),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

describe('engine allow-list (property)', () => {
  it('calls the Gateway only for a path exactly on the allow-list; everything else is a 404', async () => {
    await fc.assert(
      fc.asyncProperty(trickyPath, fc.string({ maxLength: 40 }), async (rawPath, rawQuery) => {
        const { service, calls } = serviceRecordingCalls();
        const outcome = await service.engine({ partnerUserId: 'u', rawPath, rawQuery, requestId: 'r' }).then(
          () => 'called',
          (error: { code?: string }) => error.code,
        );
        if (allowed.has(rawPath)) {
          assert.ok(outcome === 'called' || outcome === 'invalid_request');
        } else {
          assert.equal(outcome, 'not_found');
          assert.equal(calls.length, 0);
        }
        for (const call of calls) {
          assert.ok(allowed.has(call.path));
          assert.doesNotMatch(call.query, /[\p{Cc}#]/u);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
