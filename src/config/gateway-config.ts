import { TRANSACTION_INTENTS } from '../transactions/transaction-intents.js';
import { type Context, MIN_SECRET_BYTES, parseUrl, requiredSecret } from './config-context.js';
import { readSecret } from './secret-source.js';

export const PRODUCTION_GATEWAY_API_URL = 'https://gatewayapi.smallcase.com';

/** Reads GATEWAY_SECRET, warning (without the value) when it is shorter than smallcase issues. */
export function parseGatewaySecret(ctx: Context): string | undefined {
  const gatewaySecret = requiredSecret(ctx, 'GATEWAY_SECRET');
  if (gatewaySecret !== undefined && Buffer.byteLength(gatewaySecret) < MIN_SECRET_BYTES) {
    ctx.warnings.push(
      `GATEWAY_SECRET is shorter than ${MIN_SECRET_BYTES} bytes; use the full secret smallcase issued`,
    );
  }
  return gatewaySecret;
}

/**
 * Reads GATEWAY_API_SECRET_PREVIOUS (or its `_FILE` form), the apiSecret being rotated out: webhooks
 * keyed with it are still accepted. Optional; when set it must be a real, different secret.
 */
export function parseGatewayApiSecretPrevious(ctx: Context, current: string | undefined): string | undefined {
  const value = readSecret(ctx.env, 'GATEWAY_API_SECRET_PREVIOUS', ctx.readFile, ctx.problems);
  if (value === undefined || value === '') return undefined;
  if (value.trim() === '') {
    ctx.problems.push(
      'GATEWAY_API_SECRET_PREVIOUS: must not be whitespace (leave it unset when not rotating)',
    );
    return undefined;
  }
  if (value === current) {
    ctx.problems.push('GATEWAY_API_SECRET_PREVIOUS: must differ from GATEWAY_API_SECRET');
    return undefined;
  }
  return value;
}

/**
 * Reads GATEWAY_INTENTS, the comma-separated intents `POST /transactions` accepts; unset (or
 * empty) leaves the service's default, every intent it validates.
 */
export function parseIntents(ctx: Context): readonly string[] | undefined {
  const raw = ctx.env.GATEWAY_INTENTS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const known = new Set<string>(TRANSACTION_INTENTS);
  const intents = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const intent of intents) {
    if (!known.has(intent)) {
      ctx.problems.push(
        `GATEWAY_INTENTS: ${JSON.stringify(intent.slice(0, 40))} is not one of ${TRANSACTION_INTENTS.join(', ')}`,
      );
    }
  }
  return Object.freeze([...new Set(intents)]);
}

/** Reads GATEWAY_NAME: required in production, `gatewaydemo` in development. */
export function parseGatewayName(ctx: Context): string {
  const raw = ctx.env.GATEWAY_NAME;
  if (raw === undefined || raw === '') {
    if (ctx.production) ctx.problems.push('GATEWAY_NAME: required when NODE_ENV=production');
    else ctx.developmentDefaults.push('GATEWAY_NAME');
    return 'gatewaydemo';
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(raw)) {
    ctx.problems.push('GATEWAY_NAME: must be 1-64 letters, digits, "-" or "_"');
  }
  return raw;
}

/** Reads GATEWAY_API_URL as an origin; unset means smallcase in production, the emulator otherwise. */
export function parseGatewayApiUrl(ctx: Context): string | undefined {
  const raw = ctx.env.GATEWAY_API_URL;
  if (raw === undefined || raw === '') {
    if (ctx.production) return PRODUCTION_GATEWAY_API_URL;
    ctx.developmentDefaults.push('GATEWAY_API_URL');
    return undefined;
  }
  const url = parseUrl(raw);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    ctx.problems.push('GATEWAY_API_URL: must be an http(s) origin without credentials');
    return undefined;
  }
  if (ctx.production && url.protocol !== 'https:') {
    ctx.problems.push('GATEWAY_API_URL: must use https when NODE_ENV=production');
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    ctx.problems.push('GATEWAY_API_URL: must be an origin only (no path, query or fragment)');
  }
  return url.origin;
}

/** Reads GATEWAY_HOLDINGS_PATH, a path template with an optional query; unset leaves the client's default. */
export function parseHoldingsPath(ctx: Context): string | undefined {
  const raw = ctx.env.GATEWAY_HOLDINGS_PATH;
  if (raw === undefined || raw === '') return undefined;
  if (!/^(\/[A-Za-z0-9_{}-]+)+(\?[A-Za-z0-9_.=&-]*)?$/.test(raw)) {
    ctx.problems.push(
      'GATEWAY_HOLDINGS_PATH: must be a path like /v1/{gatewayName}/engine/user/holdings?version=v2',
    );
  }
  return raw;
}

/**
 * Reads GATEWAY_ENGINE_PATHS, the comma-separated engine read allow-list (empty allows none);
 * unset leaves the client's default.
 */
export function parseEnginePaths(ctx: Context): readonly string[] | undefined {
  const raw = ctx.env.GATEWAY_ENGINE_PATHS;
  if (raw === undefined) return undefined;
  const paths = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const path of paths) {
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(path)) {
      ctx.problems.push(
        `GATEWAY_ENGINE_PATHS: ${JSON.stringify(path.slice(0, 80))} is not a path like user/holdings`,
      );
    } else if (path.toLowerCase() === 'transactiondetails') {
      ctx.problems.push('GATEWAY_ENGINE_PATHS: transactiondetails is served by /transactions/:id only');
    }
  }
  return Object.freeze([...new Set(paths)]);
}
