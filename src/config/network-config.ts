import { isIP } from 'node:net';
import { type Context, integer, parseUrl } from './config-context.js';

/** Reads CORS_ORIGINS: exact http(s) origins only, never `*` or `null`; `defaults` when unset. */
export function parseCorsOrigins(ctx: Context, defaults: readonly string[] = []): readonly string[] {
  const raw = ctx.env.CORS_ORIGINS ?? '';
  if (raw.trim() === '') return Object.freeze([...defaults]);
  const origins: string[] = [];
  for (const entry of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    // `https://*.example.com` parses as a URL whose host is literally `*.example.com`: no pattern.
    const url = entry.includes('*') || entry === 'null' ? undefined : parseUrl(entry);
    if (!url || url.origin !== entry || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      ctx.problems.push(
        `CORS_ORIGINS: ${JSON.stringify(entry.slice(0, 80))} is not an exact origin like https://app.example.com`,
      );
      continue;
    }
    origins.push(url.origin);
  }
  return Object.freeze(origins);
}

/** Reads TRUST_PROXY: off, a hop count (1-10) or a list of addresses/CIDRs; `true` is refused. */
export function parseTrustProxy(ctx: Context): false | number | readonly string[] {
  const raw = (ctx.env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops >= 1 && hops <= 10) return hops;
  }
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const valid = entries.every((entry) => named.has(entry) || isAddressOrCidr(entry));
  if (raw === 'true' || !valid || entries.length === 0) {
    ctx.problems.push(
      'TRUST_PROXY: must be a hop count (1-10) or a list of proxy addresses/CIDRs (at most /8 IPv4, /16 IPv6); true is refused',
    );
    return false;
  }
  return Object.freeze(entries);
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  // 0.0.0.0/0 or ::/0 would trust every hop, which is `true` under another name.
  const widest = family === 4 ? 8 : 16;
  return bits >= widest && bits <= (family === 4 ? 32 : 128);
}

/**
 * Reads METRICS_PORT: `GET /metrics` gets a listener of its own, never the public `PORT`. In
 * production without it there is no `/metrics` at all (one warning says so): traffic volumes
 * are not for the public port.
 */
export function parseMetricsPort(ctx: Context, publicPort: number): number | undefined {
  const raw = ctx.env.METRICS_PORT;
  if (raw === undefined || raw === '') {
    if (ctx.production) {
      ctx.warnings.push(
        'METRICS_PORT: unset, so GET /metrics is not served (production never serves it on the public port)',
      );
    }
    return undefined;
  }
  const port = integer(ctx, 'METRICS_PORT', 0, 1, 65535);
  if (port === 0) return undefined;
  if (port === publicPort) {
    ctx.problems.push('METRICS_PORT: must differ from PORT (metrics are never served on the public port)');
    return undefined;
  }
  return port;
}

/**
 * Gives the demo page and the in-process emulator a port no other listener has. Set explicitly to
 * a port already in use by another listener, one problem names the clash; left at its default
 * (`PORT=3000 npm start`), the demo page is turned off and the emulator takes a free port, each
 * with a warning: the service itself always gets the port asked for.
 */
export function separateListenerPorts(
  ctx: Context,
  ports: {
    port: number;
    metricsPort: number | undefined;
    demoPort: number;
    emulatorPort: number;
    /** Development without GATEWAY_API_URL: only then does the emulator listen. */
    emulatorRuns: boolean;
  },
): { demoPort: number; emulatorPort: number } {
  const taken = new Map<number, string>([[ports.port, 'PORT']]);
  if (ports.metricsPort !== undefined) taken.set(ports.metricsPort, 'METRICS_PORT');
  const claim = (variable: string, port: number, fallback: number, whenDefault: string): number => {
    const holder = taken.get(port);
    if (port === 0 || holder === undefined) {
      if (port !== 0) taken.set(port, variable);
      return port;
    }
    if (ctx.env[variable]) {
      ctx.problems.push(`${variable}: port ${port} is already ${holder}; give each listener its own port`);
    } else {
      ctx.warnings.push(
        `${variable}: its default port ${port} is ${holder}, so ${whenDefault}; set ${variable} to another port`,
      );
    }
    return fallback;
  };
  const demoPort = claim('DEMO_PORT', ports.demoPort, 0, 'the demo page is off');
  const emulatorPort = ports.emulatorRuns
    ? claim('EMULATOR_PORT', ports.emulatorPort, 0, 'the emulator takes a free port')
    : ports.emulatorPort;
  return { demoPort, emulatorPort };
}
