import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { KNOWN_ENV_VARIABLES, SECRET_VARIABLES } from '../../src/config/known-variables.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { testEnv } from '../support/test-app.js';

const CONFIG_DIR = new URL('../../src/config/', import.meta.url);
const ENV_EXAMPLE = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
// loadConfig is split over several parser modules (load-config.ts, gateway-config.ts, ...): scan them all.
const CONFIG_SOURCES = readdirSync(CONFIG_DIR)
  .filter((name) => name.endsWith('.ts') && name !== 'known-variables.ts')
  .map((name) => readFileSync(new URL(name, CONFIG_DIR), 'utf8'))
  .join('\n');

/** Names src/config reads: `env.NAME`, `env['NAME']`, or the first argument of a `(ctx, 'NAME')` helper. */
function variablesReadByConfig(): Set<string> {
  const patterns = [
    /\benv\.([A-Z][A-Z0-9_]*)\b/g,
    /\benv\[['"`]([A-Z][A-Z0-9_]*)['"`]\]/g,
    /\(ctx(?:\.env)?,\s*['"`]([A-Z][A-Z0-9_]*)['"`]/g,
  ];
  return new Set(
    patterns.flatMap((pattern) => [...CONFIG_SOURCES.matchAll(pattern)].map((match) => match[1] ?? '')),
  );
}

function problemsFor(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(testEnv(env), () => 'value-read-from-a-file');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('the list of known environment variables', () => {
  it('names only variables that the configuration source mentions', () => {
    for (const name of KNOWN_ENV_VARIABLES.filter((entry) => !entry.endsWith('_FILE'))) {
      assert.match(CONFIG_SOURCES, new RegExp(`\\b${name}\\b`), `${name} is not read by src/config`);
    }
  });

  it('includes every variable that the configuration parsers read', () => {
    const read = variablesReadByConfig();
    assert.ok(read.size >= 20, `found only ${read.size} variables in src/config; is the pattern stale?`);
    for (const name of read) {
      assert.ok(KNOWN_ENV_VARIABLES.includes(name), `add ${name} to src/config/known-variables.ts`);
    }
  });

  it('lists a *_FILE form that the configuration really honours for every secret', () => {
    for (const name of SECRET_VARIABLES) {
      assert.ok(KNOWN_ENV_VARIABLES.includes(`${name}_FILE`), `${name}_FILE missing`);
      const both = { [name]: 'direct-value', [`${name}_FILE`]: '/run/secrets/value' };
      const headerMode = { PARTNER_AUTH: 'header', PARTNER_USER_HEADER: 'x-partner-user' };
      const problems = [...problemsFor(both), ...problemsFor({ ...both, ...headerMode })];
      assert.ok(
        problems.some((problem) => problem.includes(`${name}_FILE`)),
        `setting both ${name} and ${name}_FILE is not refused, so ${name}_FILE is not read`,
      );
    }
  });
});

describe('.env.example', () => {
  /** Names assigned in it, commented-out assignments included (a user uncomments them). */
  const listed = new Set<string>(
    [...ENV_EXAMPLE.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? ''),
  );

  it('lists every known variable, so that whoever adds one documents it there too', () => {
    assert.match(ENV_EXAMPLE, /NAME_FILE=/, 'states that any secret may be given as NAME_FILE');
    const secrets: readonly string[] = SECRET_VARIABLES;
    for (const name of KNOWN_ENV_VARIABLES) {
      const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
      // A secret counts as listed in either form; the NAME_FILE rule stated above covers the other.
      const forms = secrets.includes(base) ? [base, `${base}_FILE`] : [name];
      assert.ok(
        forms.some((form) => listed.has(form)),
        `${name}: add it to .env.example (as "# ${name}=<example>" when optional)`,
      );
    }
  });

  it('assigns nothing the service does not read, except the standalone emulator settings', () => {
    const emulatorOnly = [
      'EMULATOR_HOST',
      'EMULATOR_WEBHOOK_URL',
      'EMULATOR_WEBHOOK_URLS',
      'EMULATOR_WEBHOOK_SPEEDUP',
    ];
    for (const name of listed) {
      assert.ok(KNOWN_ENV_VARIABLES.includes(name) || emulatorOnly.includes(name), `${name} is not read`);
    }
  });
});
