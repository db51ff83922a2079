import type { Config } from '../config/config-types.js';
import { demoOrigins } from '../config/demo-config.js';
import type { Logger } from '../observability/logger.js';
import { type RunningDemo, startDemoServer } from './demo-server.js';

/**
 * Starts the demo partner page on 127.0.0.1:DEMO_PORT when it is on (development), with the web
 * SDK from DEMO_SDK_URL or the emulator's stand-in. Problems that leave the service itself fine
 * (no SDK to load, port taken) are logged and the demo stays off.
 */
export async function startDemoIfEnabled(
  config: Config,
  context: { servicePort: number; emulatorSdkUrl: string | undefined; logger: Logger },
): Promise<RunningDemo | undefined> {
  const { logger } = context;
  if (config.demoPort === 0) return undefined;
  const sdkUrl = config.demoSdkUrl ?? context.emulatorSdkUrl;
  if (sdkUrl === undefined) {
    logger.warn(
      'demo page off: GATEWAY_API_URL is set, so set DEMO_SDK_URL to the web SDK script (or DEMO_PORT=0)',
    );
    return undefined;
  }
  const origins = demoOrigins(config.demoPort);
  if (!origins.some((origin) => config.corsOrigins.includes(origin))) {
    logger.warn(
      { demoOrigins: origins },
      'CORS_ORIGINS does not include the demo page, which cannot call the service',
    );
  }
  if (!config.devLogin) logger.warn('DEV_LOGIN is off: the demo page cannot log in');
  try {
    const demo = await startDemoServer({
      port: config.demoPort,
      host: '127.0.0.1',
      servicePort: context.servicePort,
      sdkUrl,
      sdkIsStandIn: config.demoSdkUrl === undefined,
      sessionMode:
        config.partnerAuth.mode === 'jwt' && config.partnerAuth.sessionCookie !== undefined
          ? 'cookie'
          : 'bearer',
    });
    logger.info(
      { demo: demo.url },
      `demo partner page at ${demo.url} (development only; DEMO_PORT=0 turns it off)`,
    );
    return demo;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.error(
      { port: config.demoPort },
      `demo page off: port ${config.demoPort} is in use (set DEMO_PORT)`,
    );
    return undefined;
  }
}
