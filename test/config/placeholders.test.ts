import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'dotenv';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { PLACEHOLDER_PATTERN } from '../../src/config/placeholders.js';
import { assertRefused, noFiles, problemsOf, productionEnv } from './config-test-helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${REPO_ROOT}${path}`, 'utf8');

/** The variables whose example values are placeholders (the rest have usable examples). */
const PLACEHOLDER_VARIABLES = [
  'GATEWAY_NAME',
  'GATEWAY_SECRET',
  'GATEWAY_API_SECRET',
  'PARTNER_JWT_SECRET',
  'PARTNER_PROXY_SECRET',
];

/** Every assignment of an env file, commented-out ones included (a user uncomments them). */
function envFileValues(path: string): Record<string, string> {
  return parse(read(path).replace(/^#\s*(?=[A-Z][A-Z0-9_]*=)/gm, ''));
}

function templateValues(): { source: string; name: string; value: string }[] {
  const secret = YAML.parse(read('deploy/kubernetes/secret.yaml')) as { stringData: Record<string, string> };
  const sources: [string, Record<string, string>][] = [
    ['.env.example', envFileValues('.env.example')],
    ['deploy/production.env.example', envFileValues('deploy/production.env.example')],
    ['deploy/kubernetes/secret.yaml', secret.stringData],
  ];
  return sources.flatMap(([source, values]) =>
    Object.entries(values)
      .filter(([name]) => PLACEHOLDER_VARIABLES.includes(name))
      .map(([name, value]) => ({ source, name, value })),
  );
}

describe('placeholders of the example files in production', () => {
  const templates = templateValues();

  it('finds the placeholders of every example file', () => {
    for (const source of ['.env.example', 'deploy/production.env.example', 'deploy/kubernetes/secret.yaml']) {
      assert.ok(
        templates.some((template) => template.source === source),
        `${source} has placeholders`,
      );
    }
  });

  for (const { source, name, value } of templates) {
    it(`refuses ${name} still holding its placeholder from ${source}`, () => {
      assert.match(value, PLACEHOLDER_PATTERN, 'every placeholder follows the refused pattern');
      const env =
        name === 'PARTNER_PROXY_SECRET'
          ? productionEnv({
              PARTNER_AUTH: 'header',
              PARTNER_USER_HEADER: 'x-partner-user',
              PARTNER_JWT_SECRET: undefined,
              [name]: value,
            })
          : productionEnv({ [name]: value });
      const problems = assertRefused(env, name);
      assert.ok(
        problems.every((problem) => !problem.includes(value)),
        'the placeholder is not echoed',
      );
    });
  }

  it('refuses the production env template as it is, once per placeholder', () => {
    const template = envFileValues('deploy/production.env.example');
    const problems = problemsOf(template);
    const expected = Object.keys(template).filter((name) => PLACEHOLDER_VARIABLES.includes(name));
    for (const name of expected) {
      assert.equal(problems.filter((problem) => problem.startsWith(`${name}:`)).length, 1, name);
    }
  });

  it('leaves development alone: .env.example with every line uncommented loads outside production', () => {
    // Except the alternatives to PARTNER_JWT_SECRET, which it lists for the user to choose one of.
    const {
      PARTNER_JWT_PUBLIC_KEY_FILE: _publicKey,
      PARTNER_JWKS_URL: _jwks,
      PARTNER_JWT_ALGORITHMS: _algorithms,
      ...values
    } = envFileValues('.env.example');
    const { config } = loadConfig({ ...values, NODE_ENV: 'development' }, noFiles);
    assert.match(config.gatewaySecret, PLACEHOLDER_PATTERN);
  });
});
