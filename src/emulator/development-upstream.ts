import type { Config } from '../config/config-types.js';
import type { Logger } from '../observability/logger.js';

export interface Upstream {
  readonly baseUrl: string;
  /**
   * Set for the in-process development emulator: when it started. It keeps transactions in memory
   * only, so it knows none created before (by an earlier run of the service).
   */
  readonly emulatorStartedAt?: Date;
  /** Points the in-process emulator's completion webhooks at `url`; absent for a real Gateway. */
  deliverWebhooksTo?(url: string): void;
  /** The emulator's web SDK stand-in (`/scdk.js`); absent for a real Gateway. */
  readonly sdkScriptUrl?: string;
  close(): Promise<void>;
}

/**
 * The configured Gateway origin, or, in development without GATEWAY_API_URL, the bundled
 * emulator started in-process on 127.0.0.1:EMULATOR_PORT (or a free port when that is taken)
 * with the same name and secrets, announced once.
 */
export async function resolveUpstream(config: Config, logger: Logger): Promise<Upstream> {
  if (config.gatewayApiUrl !== undefined) return { baseUrl: config.gatewayApiUrl, close: async () => {} };
  // Loaded only here so production never even imports the emulator.
  const { startGatewayEmulator } = await import('./gateway-emulator.js');
  const startedAt = new Date();
  const start = (port: number) =>
    startGatewayEmulator({
      gatewayName: config.gatewayName,
      gatewaySecret: config.gatewaySecret,
      apiSecret: config.gatewayApiSecret,
      host: '127.0.0.1',
      port,
    });
  // A fixed port keeps the README's curl walk-through copy-pasteable; any free one will do if taken.
  let portTaken = false;
  const emulator = await start(config.emulatorPort).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    portTaken = true;
    return start(0);
  });
  if (portTaken) {
    logger.warn(
      { emulatorPort: config.emulatorPort, gatewayEmulator: emulator.url },
      `EMULATOR_PORT: 127.0.0.1:${config.emulatorPort} is taken (another npm start, or npm run emulator?), so the in-process emulator took a free port; set EMULATOR_PORT to choose one, or GATEWAY_API_URL=http://127.0.0.1:${config.emulatorPort} to use a standalone emulator instead`,
    );
  }
  logger.info(
    { gatewayEmulator: emulator.url, controls: `${emulator.url}/__emulator/` },
    `Gateway emulator running in-process at ${emulator.url} as the upstream (GATEWAY_API_URL unset; development only)`,
  );
  return {
    baseUrl: emulator.url,
    emulatorStartedAt: startedAt,
    deliverWebhooksTo: (url) => emulator.webhooks.configure({ url }),
    sdkScriptUrl: `${emulator.url}/scdk.js`,
    close: () => emulator.close(),
  };
}
