import type { Config } from '../config/config-types.js';
import type { Logger } from '../observability/logger.js';

export const DEVELOPMENT_EMULATOR_PORT = 9090;

export interface Upstream {
  readonly baseUrl: string;
  /** Points the in-process emulator's completion webhooks at `url`; absent for a real Gateway. */
  deliverWebhooksTo?(url: string): void;
  /** The emulator's web SDK stand-in (`/scdk.js`); absent for a real Gateway. */
  readonly sdkScriptUrl?: string;
  close(): Promise<void>;
}

/**
 * The configured Gateway origin, or, in development without GATEWAY_API_URL, the bundled
 * emulator started in-process on 127.0.0.1:9090 (or a free port when that is taken) with the same
 * name and secrets, announced once.
 */
export async function resolveUpstream(config: Config, logger: Logger): Promise<Upstream> {
  if (config.gatewayApiUrl !== undefined) return { baseUrl: config.gatewayApiUrl, close: async () => {} };
  // Loaded only here so production never even imports the emulator.
  const { startGatewayEmulator } = await import('./gateway-emulator.js');
  const start = (port: number) =>
    startGatewayEmulator({
      gatewayName: config.gatewayName,
      gatewaySecret: config.gatewaySecret,
      apiSecret: config.gatewayApiSecret,
      host: '127.0.0.1',
      port,
    });
  // A fixed port keeps the README's curl walk-through copy-pasteable; any free one will do if taken.
  const emulator = await start(DEVELOPMENT_EMULATOR_PORT).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    return start(0);
  });
  logger.info(
    { gatewayEmulator: emulator.url, controls: `${emulator.url}/__emulator/` },
    `Gateway emulator running in-process at ${emulator.url} as the upstream (GATEWAY_API_URL unset; development only)`,
  );
  return {
    baseUrl: emulator.url,
    deliverWebhooksTo: (url) => emulator.webhooks.configure({ url }),
    sdkScriptUrl: `${emulator.url}/scdk.js`,
    close: () => emulator.close(),
  };
}
