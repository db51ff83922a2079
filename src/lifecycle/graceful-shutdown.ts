import type { Server } from 'node:http';
import type { Logger } from '../observability/logger.js';
import { closeGracefully } from './http-server.js';

/** Something to close after the HTTP server has drained (store, Redis), in the order given. */
export interface ClosableResource {
  readonly name: string;
  close(): Promise<void>;
}

export interface GracefulShutdownDeps {
  readonly server: Server;
  readonly logger: Logger;
  /** Turns readiness false; called first, before anything else. */
  stopAcceptingTraffic(): void;
  readonly resources: readonly ClosableResource[];
  /** Past this, open connections are cut and the process exits 1. */
  readonly graceMs: number;
  /** Optional pause between readiness turning false and closing the listener, for load balancers without a preStop hook. */
  readonly drainDelayMs?: number;
  exit(code: number): void;
}

/**
 * Returns the one shutdown routine: readiness false at once, stop listening, let in-flight
 * requests finish while idle keep-alive sockets close, then close each resource and exit 0; exit 1
 * if the grace period runs out. Calling it again while it runs does nothing.
 */
export function createGracefulShutdown(deps: GracefulShutdownDeps): (reason: string) => Promise<void> {
  let started = false;
  let exiting = false;
  // Logs are written asynchronously: exit once the last lines are out (or after a short wait), and only once.
  const exitOnce = (code: number) => {
    if (exiting) return;
    exiting = true;
    const fallback = setTimeout(() => deps.exit(code), 500);
    deps.logger.flush(() => {
      clearTimeout(fallback);
      deps.exit(code);
    });
  };
  return async (reason) => {
    if (started) return;
    started = true;
    deps.stopAcceptingTraffic();
    deps.logger.info({ reason }, 'shutting down');
    const grace = setTimeout(() => {
      deps.logger.error({ graceMs: deps.graceMs }, 'shutdown grace period exceeded; cutting connections');
      deps.server.closeAllConnections();
      exitOnce(1);
    }, deps.graceMs);
    grace.unref();
    if (deps.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, deps.drainDelayMs));
    await closeGracefully(deps.server);
    if (exiting) return;
    deps.logger.info('HTTP server drained');
    for (const resource of deps.resources) {
      try {
        await resource.close();
      } catch (error) {
        deps.logger.warn(
          { resource: resource.name, cause: { message: (error as Error).message } },
          'close failed',
        );
      }
    }
    clearTimeout(grace);
    deps.logger.info('stopped');
    exitOnce(0);
  };
}

/** Runs `shutdown` on SIGTERM (Kubernetes, Docker) and SIGINT (Ctrl-C). */
export function shutdownOnSignals(shutdown: (reason: string) => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
}
