import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import helmet from 'helmet';
import { createHttpServer, listen } from '../lifecycle/http-server.js';

// The demo's plain HTML/JS/CSS is the example partners copy, so it lives at the top of the repository.
const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));
const CONFIG_SLOT = '<script type="application/json" id="demo-config">{}</script>';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1']);

export interface DemoOptions {
  /** Port of gateway-token-service, reached on the host name the page was opened with. */
  readonly servicePort: number;
  /** The web SDK script (the emulator's stand-in, or smallcase's with DEMO_SDK_URL). */
  readonly sdkUrl: string;
  readonly sdkIsStandIn: boolean;
  /** `cookie` when PARTNER_SESSION_COOKIE is set: the page then sends no bearer token. */
  readonly sessionMode: 'bearer' | 'cookie';
}

/**
 * The service as the page's own host name sees it: a page opened on 127.0.0.1 calls 127.0.0.1, so
 * that page and service stay same-site and the session cookie (SameSite=Strict) goes along.
 */
function serviceOrigin(req: Request, port: number): string {
  return `http://${LOOPBACK_NAMES.has(req.hostname) ? req.hostname : 'localhost'}:${port}`;
}

/** The demo partner page (development only): its own origin, so CORS is exercised for real. */
export function createDemoApp(options: DemoOptions): Express {
  const template = readFileSync(`${DEMO_DIR}index.html`, 'utf8');
  if (!template.includes(CONFIG_SLOT)) throw new Error('demo/index.html lost its demo-config slot');
  const sdkOrigin = new URL(options.sdkUrl).origin;
  // smallcase's real script loads its screens and calls from its own hosts.
  const smallcase = options.sdkIsStandIn ? [] : ['https://*.smallcase.com'];
  const service = (_req: unknown, res: unknown) => (res as Response).locals.serviceOrigin as string;
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.locals.serviceOrigin = serviceOrigin(req, options.servicePort);
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", service, sdkOrigin, ...smallcase],
          connectSrc: ["'self'", service, sdkOrigin, ...smallcase],
          frameSrc: [sdkOrigin, ...smallcase],
          imgSrc: ["'self'", 'data:', ...smallcase],
          styleSrc: ["'self'", ...smallcase],
          fontSrc: ["'self'", ...smallcase],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  app.get(['/', '/index.html'], (_req, res) => {
    const config = {
      serviceUrl: res.locals.serviceOrigin,
      sdkUrl: options.sdkUrl,
      sdkIsStandIn: options.sdkIsStandIn,
      sessionMode: options.sessionMode,
    };
    res.setHeader('Cache-Control', 'no-cache');
    // Escaping `<` keeps the JSON from ever closing its script element.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    res.type('html').send(template.replace(CONFIG_SLOT, () => CONFIG_SLOT.replace('{}', json)));
  });
  app.use(
    express.static(DEMO_DIR, {
      index: false,
      dotfiles: 'deny',
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  return app;
}

export interface RunningDemo {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves the demo on `host:port` (0 = ephemeral). */
export async function startDemoServer(
  options: DemoOptions & { port: number; host: string },
): Promise<RunningDemo> {
  const server = createHttpServer(createDemoApp(options));
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
