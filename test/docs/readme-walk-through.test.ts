import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogCapture, rememberToken } from '../support/log-capture.js';
import { freePort, REPO_ROOT, type SpawnedService, spawnService } from '../support/spawn-service.js';

const SERVICE_ORIGIN = 'B=http://localhost:8080';
const EMULATOR_ORIGIN = 'EMU=http://127.0.0.1:9090';

/** One command of the walk-through (continuation lines joined) and what its trailing comment expects. */
interface Step {
  readonly lines: readonly string[];
  /** Each word of the trailing comment must appear in the command's answer. */
  readonly expected: readonly string[];
}

/** The shell blocks of the README's walk-through section (up to the next heading), in order. */
function walkThroughBlocks(): string[] {
  const lines = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('### Walk-through'));
  assert.ok(start >= 0, 'README.md has a "### Walk-through" section');
  const blocks: string[] = [];
  let fence: { sh: boolean; lines: string[] } | undefined;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) {
      if (fence?.sh) blocks.push(fence.lines.join('\n'));
      fence = fence ? undefined : { sh: line === '```sh', lines: [] };
    } else if (fence) {
      fence.lines.push(line);
    } else if (/^#{1,3} /.test(line)) {
      break;
    }
  }
  return blocks;
}

function stepsOf(blocks: readonly string[]): Step[] {
  const steps: Step[] = [];
  let pending: string[] = [];
  for (const line of blocks.join('\n').split('\n')) {
    if (pending.length === 0 && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    pending.push(line);
    if (line.endsWith('\\')) continue;
    const comment = /\s#\s+(\S.*)$/.exec(line)?.[1];
    steps.push({ lines: pending, expected: comment ? comment.trim().split(/\s+/) : [] });
    pending = [];
  }
  assert.deepEqual(pending, [], 'the last command is complete');
  return steps;
}

/**
 * The walk-through as bash runs it, strict (`set -euo pipefail`: an unset variable or a failed
 * command stops it), each command between two markers so that its answer can be checked. The
 * README's lines are kept verbatim except the two origins, pointed at this test's ports.
 */
function instrumented(steps: readonly Step[], ports: { service: number; emulator: number }): string {
  const body = steps.flatMap((step, index) => [`printf '\\n@@step ${index}@@\\n'`, ...step.lines]);
  return ['set -euo pipefail', ...body, `printf '\\n@@end@@\\n'`]
    .join('\n')
    .replace(SERVICE_ORIGIN, `B=http://127.0.0.1:${ports.service}`)
    .replace(EMULATOR_ORIGIN, `EMU=http://127.0.0.1:${ports.emulator}`);
}

function runBash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'bash',
      ['-s'],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(script);
  });
}

/** Runs the walk-through once and checks every command's answer against its comment. */
async function walkThrough(steps: readonly Step[], ports: { service: number; emulator: number }) {
  const run = await runBash(instrumented(steps, ports));
  // The service's log (checked at the end of the file) must never hold a token it handed out.
  for (const match of run.stdout.matchAll(/"smallcaseAuthToken":"([^"]+)"/g)) rememberToken(match[1] ?? '');
  assert.equal(run.code, 0, `the walk-through stopped:\n${run.stderr}\n${run.stdout.slice(-2000)}`);
  const answers = run.stdout.split(/\n@@step \d+@@\n|\n@@end@@\n/).slice(1);
  assert.equal(answers.length, steps.length + 1);
  steps.forEach((step, index) => {
    for (const word of step.expected) {
      assert.ok(
        answers[index]?.includes(word),
        `${step.lines.join('\n')}\nanswered ${answers[index]}\nwithout ${word}`,
      );
    }
  });
  return answers.join('\n');
}

const missingTools = ['bash', 'curl', 'jq'].filter((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
const skip =
  missingTools.length > 0
    ? `the README walk-through needs ${missingTools.join(', ')} (Debian packages of the same names)`
    : false;

describe("the README's curl walk-through, run literally against npm start", { skip }, () => {
  const steps = stepsOf(walkThroughBlocks());
  const folder = mkdtempSync(join(tmpdir(), 'gts-walk-through-'));
  let service: SpawnedService | undefined;
  const start = async () => {
    const ports = { service: await freePort(), emulator: await freePort() };
    // A newcomer's first start: nothing configured, development mode, run from a fresh folder
    // (the demo page off: tests bind no fixed port).
    service = await spawnService(
      { EMULATOR_PORT: String(ports.emulator), DEMO_PORT: '0' },
      { bare: true, cwd: folder, port: ports.service },
    );
    return ports;
  };
  const stop = async () => {
    if (!service) return;
    const exit = await service.stop();
    createLogCapture().write(service.output());
    service = undefined;
    return exit;
  };
  let ports: { service: number; emulator: number };
  before(async () => {
    ports = await start();
  });
  after(async () => {
    await service?.kill();
    if (service) createLogCapture().write(service.output());
    rmSync(folder, { recursive: true, force: true });
  });

  it('points every command at $B or $EMU, set before the first request', () => {
    const script = steps.flatMap((step) => step.lines).join('\n');
    assert.equal(script.split(SERVICE_ORIGIN).length, 2, `one "${SERVICE_ORIGIN}" line`);
    assert.equal(script.split(EMULATOR_ORIGIN).length, 2, `one "${EMULATOR_ORIGIN}" line`);
    assert.doesNotMatch(
      script.replace(SERVICE_ORIGIN, '').replace(EMULATOR_ORIGIN, ''),
      /8080|9090|localhost/,
    );
    const firstRequest = steps.findIndex((step) => step.lines.some((line) => line.includes('curl')));
    const definitions = steps.findIndex((step) => step.lines[0] === EMULATOR_ORIGIN);
    assert.ok(definitions >= 0 && definitions < firstRequest, 'B and EMU come before any request');
    assert.ok(steps.filter((step) => step.expected.length > 0).length >= 9, 'the answers are checked');
  });

  it('runs from guest to connected and back, twice in a row', async () => {
    await walkThrough(steps, ports);
    await walkThrough(steps, ports);
  });

  it('runs again after a restart, which keeps sessions valid and explains transactions the emulator forgot', async () => {
    const earlier = await walkThrough(steps, ports);
    const forgotten = /"transactionId":"(TRX_[0-9a-f]{32})"/.exec(earlier)?.[1];
    assert.ok(forgotten, 'the walk-through shows its transaction id');
    const login = await fetch(`http://127.0.0.1:${ports.service}/dev/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice' }),
    });
    const session = ((await login.json()) as { sessionToken: string }).sessionToken;
    rememberToken(session);

    assert.deepEqual(await stop(), { code: 0, signal: null });
    ports = await start();
    const running = service as SpawnedService;
    assert.match(running.output(), /development secrets read from/);

    const details = await fetch(`${running.baseUrl}/transactions/${forgotten}`, {
      headers: { authorization: `Bearer ${session}` },
    });
    assert.equal(details.status, 404, 'a session from before the restart still verifies');
    const problem = (await details.json()) as { code: string; detail: string };
    assert.equal(problem.code, 'not_found');
    assert.match(problem.detail, /Gateway emulator last started/);

    await walkThrough(steps, ports);
  });
});
