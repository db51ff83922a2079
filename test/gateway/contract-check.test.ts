import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '../../src/emulator/gateway-emulator.js';
import { type ContractCheckReport, runContractCheck } from '../../src/gateway/contract-check.js';
import { CANARY, CANARY_VALUES } from '../support/canaries.js';
import { EMULATED_GATEWAY, startTestEmulator } from '../support/gateway-emulator.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UNREACHABLE = 'http://127.0.0.1:9';

function runCli(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/gateway-check.ts', ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function assertNoSecrets(text: string): void {
  for (const secret of CANARY_VALUES) assert.ok(!text.includes(secret), 'a secret was printed');
  assert.doesNotMatch(text, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, 'a whole token was printed');
}

const textOf = (report: ContractCheckReport) => [...report.findings, ...report.problems].join('\n');

describe('gateway:check against the emulator', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());
  afterEach(() => control('/shape', { details: 'flat', expireAt: 'iso' }));

  async function control(path: string, body: unknown) {
    const res = await fetch(`${emulator.url}/__emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(res.ok, `${path}: ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }
  const check = (overrides: Record<string, unknown> = {}) =>
    runContractCheck({
      baseUrl: emulator.url,
      gatewayName: EMULATED_GATEWAY,
      gatewaySecret: CANARY.gatewaySecret,
      apiSecret: CANARY.gatewayApiSecret,
      timeoutMs: 3000,
      ...overrides,
    });

  for (const shape of ['flat', 'authid_meta', 'success_token'] as const) {
    it(`reports the ${shape} shape, the required headers and the clock offset; with a completed transaction, the user`, async () => {
      await control('/shape', { details: shape });
      const fresh = await check();
      assert.deepEqual(fresh.problems, []);
      assert.match(textOf(fresh), /^created a CONNECT transaction TRX_[0-9a-f]{32}; expireAt \d{4}-/m);
      assert.match(textOf(fresh), new RegExp(`status INITIALIZED, fields in data, shape ${shape}$`, 'm'));
      assert.match(textOf(fresh), /^headers required: x-gateway-secret, x-gateway-authtoken$/m);
      assert.match(textOf(fresh), /^clock offset: [+-]\d+\.\d s/m);

      const transactionId = /TRX_[0-9a-f]{32}/.exec(textOf(fresh))?.[0] ?? assert.fail('no transaction id');
      await control(`/transactions/${transactionId}/complete`, {
        smallcaseAuthId: 'SCA_check42',
        broker: 'kite',
      });
      const completed = await check({ transactionId });
      assert.deepEqual(completed.problems, []);
      assert.match(textOf(completed), new RegExp(`^user SCA_…42 read from ${shape}, broker kite$`, 'm'));
      assertNoSecrets(textOf(completed));
    });
  }

  it('names a wrong apiSecret, a refused token and an unknown gateway name, one line each', async () => {
    const wrongSecret = await check({ apiSecret: 'not-the-api-secret-at-all' });
    assert.equal(wrongSecret.problems.length, 1);
    assert.match(wrongSecret.problems[0] ?? '', /^wrong apiSecret: .*HTTP 401.*check GATEWAY_API_SECRET$/);
    const wrongKey = await check({ gatewaySecret: 'not-the-partner-secret-at-all-0123' });
    assert.match(wrongKey.problems[0] ?? '', /^token refused: .*Invalid JWT.*check GATEWAY_SECRET$/);
    const wrongName = await check({ gatewayName: 'othergateway' });
    assert.match(wrongName.problems[0] ?? '', /^unknown gateway name: .*check GATEWAY_NAME$/);
    for (const report of [wrongSecret, wrongKey, wrongName]) assertNoSecrets(textOf(report));
  });

  it('names an unreachable server and an answer without the envelope', async () => {
    const unreachable = await check({ baseUrl: UNREACHABLE });
    assert.deepEqual(unreachable.problems, [`unreachable: ${UNREACHABLE} (ECONNREFUSED)`]);
    await control('/faults', { kind: 'html' });
    const html = await check();
    assert.match(html.problems[0] ?? '', /^unexpected envelope: creating a CONNECT transaction got HTTP 200/);
  });

  it('runs as a command: exit 0 and "passed", exit 1 with one problem line, exit 2 on a usage error', async () => {
    const env = {
      GATEWAY_NAME: EMULATED_GATEWAY,
      GATEWAY_SECRET: CANARY.gatewaySecret,
      GATEWAY_API_SECRET: CANARY.gatewayApiSecret,
    };
    const passed = await runCli(['--url', emulator.url], env);
    assert.equal(passed.code, 0, passed.stderr);
    assert.match(passed.stdout, /^ok: headers required/m);
    assert.match(passed.stdout, /\npassed\n$/);
    const failed = await runCli(['--url', UNREACHABLE], env);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^problem: unreachable: /m);
    const usage = await runCli(['--url', emulator.url], { GATEWAY_NAME: EMULATED_GATEWAY });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^GATEWAY_SECRET: required/m);
    for (const run of [passed, failed, usage]) assertNoSecrets(`${run.stdout}${run.stderr}`);
  });
});
