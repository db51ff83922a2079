import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createClientErrorHandler, isMidResponse } from './client-error-response.js';

/** Explicit timeouts: slow-loris headers, stuck bodies, and keep-alive longer than load balancers' idle. */
const SERVER_TIMEOUTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
} as const;

interface DrainState {
  draining: boolean;
  readonly inFlight: Set<ServerResponse>;
}

const drainStates = new WeakMap<Server, DrainState>();

/** An HTTP server with explicit timeouts that knows its in-flight responses, for a clean drain. */
export function createHttpServer(app: RequestListener): Server {
  const state: DrainState = { draining: false, inFlight: new Set() };
  const server = createServer();
  const latestResponse = new WeakMap<Duplex, ServerResponse>();
  // Registered before the app, so a response started while draining already carries `Connection: close`.
  server.on('request', (req, res: ServerResponse) => {
    if (state.draining) res.setHeader('Connection', 'close');
    state.inFlight.add(res);
    latestResponse.set(req.socket, res);
    res.once('close', () => state.inFlight.delete(res));
  });
  server.on('request', app);
  server.on(
    'clientError',
    createClientErrorHandler((socket) => isMidResponse(latestResponse.get(socket))),
  );
  drainStates.set(server, state);
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeoutMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeoutMs;
  return server;
}

/**
 * Listens on `host:port`. Once listening, errors the server emits later (an `accept` failing with
 * EMFILE, say) go to `onError` instead of ending the process: they are transient.
 */
export function listen(
  server: Server,
  port: number,
  host: string,
  onError: (error: Error) => void = () => {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', onError);
      resolve();
    });
  });
}

/**
 * Stops accepting connections, closes idle keep-alive sockets now and busy ones right after their
 * response has been written (`Connection: close`, never a cut mid-response), and resolves once
 * the last connection is gone.
 */
export function closeGracefully(server: Server): Promise<void> {
  const state = drainStates.get(server);
  if (state) {
    state.draining = true;
    for (const res of state.inFlight) {
      if (!res.headersSent) {
        res.setHeader('Connection', 'close');
        continue;
      }
      const socket = res.socket;
      res.once('finish', () => socket?.end());
    }
  }
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
