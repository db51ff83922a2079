import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Where `npm start`, `npm run emulator` and `npm run webhook:send` keep and find them (relative to the working directory). */
export const DEVELOPMENT_SECRETS_PATH = 'data/dev-secrets.json';

export const DEVELOPMENT_SECRET_NAMES = [
  'GATEWAY_SECRET',
  'GATEWAY_API_SECRET',
  'PARTNER_JWT_SECRET',
] as const;

export type DevelopmentSecretName = (typeof DEVELOPMENT_SECRET_NAMES)[number];
export type DevelopmentSecrets = Readonly<Record<DevelopmentSecretName, string>>;

const DELETE_HINT = 'delete it to have new development secrets generated';

const secretsFile = z.object(
  Object.fromEntries(DEVELOPMENT_SECRET_NAMES.map((name) => [name, z.string().min(32).max(256)])) as Record<
    DevelopmentSecretName,
    z.ZodString
  >,
);

/** A development secrets file that cannot be used; the message names the file, never a value. */
export class DevelopmentSecretsError extends Error {
  constructor(path: string, what: string) {
    super(`${path}: ${what}`);
    this.name = 'DevelopmentSecretsError';
  }
}

/**
 * The development secrets this environment leaves unset, which then come from the persisted file:
 * none unless in development (NODE_ENV unset or `development`; `test` keeps random ones and
 * writes nothing; production never reads the file).
 */
export function unsetDevelopmentSecrets(env: NodeJS.ProcessEnv): DevelopmentSecretName[] {
  if ((env.NODE_ENV || 'development') !== 'development') return [];
  const otherPartnerKey =
    env.PARTNER_AUTH === 'header' ||
    Boolean(env.PARTNER_JWT_PUBLIC_KEY || env.PARTNER_JWKS_URL) ||
    env.PARTNER_JWT_PUBLIC_KEY_FILE !== undefined;
  return DEVELOPMENT_SECRET_NAMES.filter(
    (name) =>
      !env[name] && env[`${name}_FILE`] === undefined && !(name === 'PARTNER_JWT_SECRET' && otherPartnerKey),
  );
}

/** The secrets kept at `path`, or undefined when there is no such file. */
export function readDevelopmentSecrets(path: string): DevelopmentSecrets | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DevelopmentSecretsError(path, 'cannot be read');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DevelopmentSecretsError(path, `is not JSON; ${DELETE_HINT}`);
  }
  const result = secretsFile.safeParse(parsed);
  if (!result.success) {
    throw new DevelopmentSecretsError(
      path,
      `needs ${DEVELOPMENT_SECRET_NAMES.join(', ')} (32-256 characters each); ${DELETE_HINT}`,
    );
  }
  // Someone may have copied it around with default permissions; these are secrets all the same.
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return result.data;
}

/**
 * The secrets kept at `path`, generated and written (mode 600) on first use. Creation is
 * all-or-nothing: a complete temporary file is hard-linked into place, so a service and an
 * emulator starting together agree on one set.
 */
export function loadOrCreateDevelopmentSecrets(path: string): {
  secrets: DevelopmentSecrets;
  created: boolean;
} {
  const existing = readDevelopmentSecrets(path);
  if (existing) return { secrets: existing, created: false };
  const generated = Object.fromEntries(
    DEVELOPMENT_SECRET_NAMES.map((name) => [name, randomBytes(32).toString('base64url')]),
  ) as Record<DevelopmentSecretName, string>;
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new DevelopmentSecretsError(path, `cannot be written (${(error as NodeJS.ErrnoException).code})`);
    }
    const winner = readDevelopmentSecrets(path);
    if (!winner) throw new DevelopmentSecretsError(path, 'vanished while being created');
    return { secrets: winner, created: false };
  } finally {
    try {
      unlinkSync(temporary);
    } catch {}
  }
  return { secrets: generated, created: true };
}
