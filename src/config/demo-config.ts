import { type Context, integer, parseUrl } from './config-context.js';

export const DEFAULT_DEMO_PORT = 3000;

/** Reads DEMO_PORT: 3000 in development, off (0) under NODE_ENV=test, refused in production. */
export function parseDemoPort(ctx: Context, nodeEnv: string | undefined): number {
  const developmentDefault = nodeEnv === 'development' ? DEFAULT_DEMO_PORT : 0;
  const port = integer(ctx, 'DEMO_PORT', developmentDefault, 0, 65535);
  if (ctx.production && port !== 0) {
    ctx.problems.push(
      'DEMO_PORT: the demo page is development only; must be 0 or unset when NODE_ENV=production',
    );
    return 0;
  }
  return ctx.production ? 0 : port;
}

/** Reads DEMO_SDK_URL, the web SDK script the demo page loads (the emulator's stand-in when unset). */
export function parseDemoSdkUrl(ctx: Context, demoPort: number): string | undefined {
  const raw = ctx.env.DEMO_SDK_URL;
  if (raw === undefined || raw === '' || demoPort === 0) return undefined;
  const url = parseUrl(raw);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    ctx.problems.push('DEMO_SDK_URL: must be an http(s) URL of the web SDK script');
    return undefined;
  }
  return url.href;
}

/** The origins the demo page is served from: the development default of CORS_ORIGINS. */
export function demoOrigins(demoPort: number): readonly string[] {
  if (demoPort === 0) return [];
  return [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`];
}
