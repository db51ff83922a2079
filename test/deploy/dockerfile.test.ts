import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DockerInstruction, dockerfileStages, readRepoFile } from './deploy-files.js';

const stages = dockerfileStages(readRepoFile('Dockerfile'));
const runtime = stages.at(-1) ?? [];

function last(stage: DockerInstruction[], keyword: string): string | undefined {
  return stage.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
}

function execForm(args: string | undefined): string[] {
  assert.ok(args?.startsWith('['), `not exec form: ${args}`);
  return JSON.parse(args ?? '') as string[];
}

describe('Dockerfile', () => {
  it('is multi-stage: compiles in the full Node 24 image, runs in the slim one', () => {
    assert.ok(stages.length >= 2);
    assert.match(last(stages[0] ?? [], 'FROM') ?? '', /^node:24-bookworm\b/);
    assert.match(last(runtime, 'FROM') ?? '', /^node:24-bookworm-slim\b/);
    const runs = stages.flatMap((stage) => stage.filter((i) => i.keyword === 'RUN').map((i) => i.args));
    assert.ok(
      runs.some((run) => run.includes('npm ci --omit=dev')),
      'production dependencies via npm ci',
    );
    assert.ok(
      runs.some((run) => run.includes('npm run build')),
      'TypeScript compiled in the build',
    );
  });

  it('compiles better-sqlite3 with node-gyp and loads it, with no npm config that npm deprecates', () => {
    const deps = stages[0] ?? [];
    const runs = deps.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    assert.ok(
      runs.some((run) =>
        /npm ci --omit=dev --ignore-scripts\b.*build-release.*require\('better-sqlite3'\)/.test(run),
      ),
      'install without install scripts, then build-release, then load the addon',
    );
    const env = deps.filter((i) => i.keyword === 'ENV').map((i) => i.args);
    assert.ok(
      !env.some((args) => /npm_config_build_from_source/i.test(args)),
      'npm warns on build_from_source',
    );
  });

  it('starts node directly in exec form, with no npm or shell wrapper', () => {
    assert.deepEqual(execForm(last(runtime, 'CMD')), ['node', 'dist/main.js']);
    const entrypoint = last(runtime, 'ENTRYPOINT');
    if (entrypoint !== undefined) assert.deepEqual(execForm(entrypoint), []);
    const npmCommand = /(^|&&|\|\||;)\s*(npm|npx|yarn)\s/;
    assert.ok(!runtime.some((i) => i.keyword === 'RUN' && npmCommand.test(i.args)), 'no npm in the runtime');
  });

  it('runs as a non-root user, in production mode, on port 8080', () => {
    const user = last(runtime, 'USER');
    assert.ok(user && !/^(root|0)(:|$)/.test(user), `USER ${user}`);
    assert.match(last(runtime, 'EXPOSE') ?? '', /^8080\b/);
    const env = runtime.filter((i) => i.keyword === 'ENV').map((i) => i.args);
    assert.ok(env.some((args) => /\bNODE_ENV=production\b/.test(args)));
  });

  it('declares a HEALTHCHECK that asks /healthz with node, not curl or wget', () => {
    const healthcheck = last(runtime, 'HEALTHCHECK') ?? '';
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim());
    assert.equal(command[0], 'node');
    assert.match(command.join(' '), /\/healthz/);
    assert.doesNotMatch(healthcheck, /\b(curl|wget)\b/);
  });

  it('copies only what the build needs, and .dockerignore keeps secrets and local state out', () => {
    const fromContext = stages
      .flatMap((stage) => stage.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD'))
      .map((i) => i.args.split(/\s+/))
      .filter((words) => !words.some((word) => word.startsWith('--from=')));
    assert.ok(fromContext.length > 0);
    for (const words of fromContext) {
      const sources = words.filter((word) => !word.startsWith('--')).slice(0, -1);
      for (const source of sources)
        assert.doesNotMatch(source, /^(\.\/?|\*|\.env.*)$/, `broad COPY ${source}`);
    }
    const ignored = readRepoFile('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim());
    for (const entry of ['.env', '.env.*', 'node_modules', 'dist', 'data', '.git', 'test', 'bench', 'docs']) {
      assert.ok(ignored.includes(entry), `.dockerignore lacks ${entry}`);
    }
  });
});
