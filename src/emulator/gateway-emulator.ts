import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { listen } from '../lifecycle/http-server.js';
import { createTokenMinter } from '../tokens/token-minter.js';
import { createEmulatorAuth } from './emulator-auth.js';
import { createEmulatorControlRouter } from './emulator-control.routes.js';
import { defaultShapes } from './emulator-details-shape.js';
import { createTransactionLifetimes } from './emulator-expiry.js';
import { createEmulatorFidelityRouter } from './emulator-fidelity.routes.js';
import { createEmulatorGatewayRouter, type EmulatorFidelity } from './emulator-gateway.routes.js';
import { createEmulatorState, type EmulatorState, recordRequest } from './emulator-state.js';
import { createEmulatorWebhooks, type EmulatorWebhooks, type WebhookTarget } from './emulator-webhooks.js';
import { createSdkFlows } from './sdk-stand-in/sdk-flows.js';
import { createSdkStandInRouter } from './sdk-stand-in/sdk-stand-in.routes.js';

export interface GatewayEmulatorOptions {
  readonly gatewayName: string;
  /** Key the emulator verifies `x-gateway-authtoken` JWTs with (the partner `secret`). */
  readonly gatewaySecret: string;
  /** Expected `x-gateway-secret`; also the webhook checksum key. */
  readonly apiSecret: string;
  readonly now?: () => number;
  /** Defaults to `process.env`; used only to refuse production. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where to send completion webhooks, and how to redeliver them; none are sent without a URL. */
  readonly webhook?: WebhookTarget;
}

export interface GatewayEmulator {
  readonly app: Express;
  readonly state: EmulatorState;
  readonly webhooks: EmulatorWebhooks;
  /** Ends every response a `hang` fault is holding. */
  releaseHanging(): void;
}

const envelope = (message: string) => ({ success: false, errors: [message], data: null });

function faultInjector(state: EmulatorState, hanging: Set<express.Response>): RequestHandler {
  return (req, res, next) => {
    recordRequest(state, {
      method: req.method,
      url: req.originalUrl,
      headers: { ...req.headers },
      at: Date.now(),
    });
    const fault = state.takeFault();
    if (!fault) return next();
    switch (fault.kind) {
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'status':
        res.status(fault.status).json(envelope('Internal Error'));
        return;
      case 'redirect':
        res.redirect(302, fault.location);
        return;
      case 'html':
        res.status(200).type('text/html').send('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      case 'oversize':
        res
          .status(200)
          .type('application/json')
          .send(`{"success":true,"errors":null,"data":"${'x'.repeat(fault.bytes)}"}`);
        return;
      case 'answer':
        res.json({ success: true, errors: null, data: fault.data });
        return;
    }
  };
}

/**
 * A stateful in-memory stand-in for the smallcase Gateway (docs/gateway.md, "The emulator"): same paths and
 * envelope as the client's path table, strict secret and JWT checks, and `/__emulator/`
 * control endpoints. A development tool: refuses to exist when NODE_ENV=production.
 */
export function createGatewayEmulator(options: GatewayEmulatorOptions): GatewayEmulator {
  if ((options.env ?? process.env).NODE_ENV === 'production') {
    throw new Error('the Gateway emulator is a development tool and does not run with NODE_ENV=production');
  }
  const now = options.now ?? Date.now;
  const state = createEmulatorState();
  const hanging = new Set<express.Response>();
  const webhooks = createEmulatorWebhooks(options.webhook);
  // The Gateway hands back connected tokens valid for one hour (the docs' sample: exp = iat + 3600).
  const successTokens = createTokenMinter({ gatewaySecret: options.gatewaySecret, ttlSeconds: 3600, now });
  const fidelity: EmulatorFidelity = {
    shapes: defaultShapes(),
    lifetimes: createTransactionLifetimes(),
    signSuccessToken: (id) => successTokens.mintConnected(id).smallcaseAuthToken,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(createSdkStandInRouter(createSdkFlows({ ...options, state, webhooks, now })));
  app.use('/__emulator', createEmulatorControlRouter({ state, apiSecret: options.apiSecret, now, webhooks }));
  app.use('/__emulator', createEmulatorFidelityRouter({ ...fidelity, webhooks }));
  app.use(faultInjector(state, hanging));
  app.use(express.json({ limit: '100kb' }));
  const auth = createEmulatorAuth(options);
  app.use(['/gateway/:gatewayName', '/v1/:gatewayName'], auth);
  app.use(createEmulatorGatewayRouter(state, now, fidelity));
  app.use((_req, res) => {
    res.status(404).json(envelope('Not found'));
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    res.status(status).json(envelope(status === 500 ? 'Internal Error' : 'Invalid request'));
  };
  app.use(onError);

  return {
    app,
    state,
    webhooks,
    releaseHanging() {
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
  };
}

export interface RunningEmulator {
  readonly url: string;
  readonly state: EmulatorState;
  readonly webhooks: EmulatorWebhooks;
  /** Ends every response a `hang` fault is holding. */
  releaseHanging(): void;
  close(): Promise<void>;
}

/** Starts the emulator on `host:port` (0 = ephemeral); `close` also drops hanging and idle sockets. */
export async function startGatewayEmulator(
  options: GatewayEmulatorOptions & { port?: number; host?: string },
): Promise<RunningEmulator> {
  const emulator = createGatewayEmulator(options);
  const host = options.host ?? '127.0.0.1';
  const server = createServer(emulator.app);
  // Later server errors (a failed accept) are transient and must not end the process it runs in.
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    state: emulator.state,
    webhooks: emulator.webhooks,
    releaseHanging: () => emulator.releaseHanging(),
    close: () =>
      new Promise<void>((resolve) => {
        emulator.webhooks.close();
        emulator.releaseHanging();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
