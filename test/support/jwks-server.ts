import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** A partner IdP's JWKS endpoint on loopback; tests swap `keys`, count `hits`, or make it `hang`. */
export interface JwksServer {
  readonly url: string;
  hits: number;
  keys: JWK[];
  hang: boolean;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const state = { hits: 0, keys: [] as JWK[], hang: false };
  const server: Server = createServer((_req, res) => {
    state.hits += 1;
    if (state.hang) return;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
