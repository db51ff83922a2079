import { type Context, parseUrl } from './config-context.js';
import { readSecret } from './secret-source.js';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/gateway-token-service.db';

/** Reads DATABASE_URL (or its `_FILE` form): `sqlite:<path>` or a postgres URL. */
export function parseDatabaseUrl(ctx: Context): string {
  const raw = readSecret(ctx.env, 'DATABASE_URL', ctx.readFile, ctx.problems);
  if (raw === undefined || raw === '') return DEFAULT_DATABASE_URL;
  if (/^sqlite:.+/.test(raw)) return raw;
  if (/^postgres(ql)?:\/\//.test(raw) && parseUrl(raw)) return raw;
  ctx.problems.push('DATABASE_URL: must be sqlite:<path> or postgres://...');
  return DEFAULT_DATABASE_URL;
}

/** Reads REDIS_URL (or its `_FILE` form); optional. */
export function parseRedisUrl(ctx: Context): string | undefined {
  const raw = readSecret(ctx.env, 'REDIS_URL', ctx.readFile, ctx.problems);
  if (raw === undefined || raw === '') return undefined;
  if (!/^rediss?:\/\//.test(raw) || !parseUrl(raw)) {
    ctx.problems.push('REDIS_URL: must be redis://... or rediss://...');
    return undefined;
  }
  return raw;
}
