/** Whether this instance should get traffic: the entry point flips it during start-up and shutdown. */
export interface Readiness {
  /** False while starting up or shutting down. */
  isAcceptingTraffic(): boolean;
}

export const ALWAYS_READY: Readiness = { isAcceptingTraffic: () => true };
