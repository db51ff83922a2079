import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'dotenv';
import { readRepoFile } from './deploy-files.js';

/** Every `docker run` command line of a document (in code blocks), continuation lines joined. */
function dockerRunCommands(markdown: string): string[] {
  return (markdown.match(/^docker run (?:[^\n]*\\\n)*[^\n]*/gm) ?? []).map((command) =>
    command.replace(/\\\n\s*/g, ' '),
  );
}

describe('the documented container commands', () => {
  const commands = ['README.md', 'docs/deployment.md'].flatMap((path) =>
    dockerRunCommands(readRepoFile(path)).map((command) => ({ path, command })),
  );

  it('exist in the README and the deployment guide', () => {
    assert.ok(commands.some(({ path }) => path === 'README.md'));
    assert.ok(commands.some(({ path }) => path === 'docs/deployment.md'));
  });

  for (const { path, command } of commands) {
    // A command after the image name runs a one-off tool (gateway:check), not the service.
    const oneOffTool = /\sgateway-token-service\s+node\s/.test(command);
    it(`run production${oneOffTool ? '' : ' with the data volume'}: ${path}: ${command.slice(0, 70)}`, () => {
      const envFile = /--env-file\s+(\S+)/.exec(command)?.[1];
      assert.ok(envFile, 'an env file');
      assert.notEqual(envFile, '.env', 'never the development .env (NODE_ENV=development)');
      if (!oneOffTool)
        assert.match(command, /-v\s+\S+:\/app\/data(\s|$)/, 'the SQLite data folder on a volume');
    });
  }

  it('start from a template that sets NODE_ENV=production', () => {
    assert.equal(parse(readRepoFile('deploy/production.env.example')).NODE_ENV, 'production');
    assert.match(readRepoFile('README.md'), /cp deploy\/production\.env\.example production\.env/);
  });
});
