import { randomBytes } from 'node:crypto';
import { type FileReader, readSecret } from './secret-source.js';

export const MIN_SECRET_BYTES = 32;

/** What every parser shares while `loadConfig` runs: the input and the lists it appends to. */
export interface Context {
  env: NodeJS.ProcessEnv;
  production: boolean;
  problems: string[];
  warnings: string[];
  developmentDefaults: string[];
  readFile: FileReader;
  /** Generated development secrets kept between starts (by name); never consulted in production. */
  persistedSecrets: Readonly<Record<string, string | undefined>>;
}

/**
 * A generated secret outside production (the persisted one when there is one, else random per
 * start; recorded as a development default either way); `productionProblem` in production.
 */
export function developmentSecret(
  ctx: Context,
  name: string,
  productionProblem = `${name}: required when NODE_ENV=production`,
): string | undefined {
  if (ctx.production) {
    ctx.problems.push(productionProblem);
    return undefined;
  }
  ctx.developmentDefaults.push(name);
  return ctx.persistedSecrets[name] ?? randomBytes(32).toString('base64url');
}

/** Reads a secret that must be set in production and must not be blank anywhere. */
export function requiredSecret(ctx: Context, name: string): string | undefined {
  const value = readSecret(ctx.env, name, ctx.readFile, ctx.problems);
  if (value === undefined) {
    if (ctx.env[`${name}_FILE`] !== undefined) return undefined;
    return developmentSecret(ctx, name);
  }
  if (value.trim() === '') {
    ctx.problems.push(`${name}: must not be empty or whitespace`);
    return undefined;
  }
  return value;
}

/** A secret shorter than {@link MIN_SECRET_BYTES}: refused in production, a warning elsewhere. */
export function weakSecret(ctx: Context, name: string): void {
  const message = `${name}: must be at least ${MIN_SECRET_BYTES} bytes`;
  if (ctx.production) ctx.problems.push(message);
  else ctx.warnings.push(`${message} (allowed outside production)`);
}

/** Reads a whole decimal number within bounds, or the fallback when unset or invalid. */
export function integer(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    ctx.problems.push(`${name}: must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/** `new URL(raw)`, or undefined when it does not parse. */
export function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}
