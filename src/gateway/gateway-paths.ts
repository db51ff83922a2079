/**
 * The one table of upstream paths (docs/gateway.md, "Upstream path table"). Documented paths are fixed;
 * the ones seen only in third-party code are configurable (GATEWAY_HOLDINGS_PATH,
 * GATEWAY_ENGINE_PATHS). `{gatewayName}` in a template is replaced by the configured name.
 */
export const GATEWAY_PATH_DEFAULTS = {
  /** [DOC] */
  createTransaction: '/gateway/{gatewayName}/transaction',
  /** [DOC] */
  transactionDetails: '/v1/{gatewayName}/engine/transactiondetails',
  /** [DOC] prefix of the "engine" data APIs. */
  engineBase: '/v1/{gatewayName}/engine/',
  /** [3P] path and query of the v2 holdings fetch. */
  holdings: '/v1/{gatewayName}/engine/user/holdings?version=v2',
  /** [3P] read-only engine paths clients may reach through `GET /engine/*path`. */
  engineReadPaths: ['user/holdings', 'user/investments', 'smallcases', 'smallcase', 'market/news'],
} as const;

/** Operation names, used as metric labels and in error messages; each has its own circuit breaker. */
export const GATEWAY_OPERATIONS = [
  'create_transaction',
  'transaction_details',
  'holdings',
  'engine',
] as const;
export type GatewayOperation = (typeof GATEWAY_OPERATIONS)[number];

export interface GatewayPathOptions {
  readonly gatewayName: string;
  readonly holdingsPath?: string | undefined;
  readonly engineReadPaths?: readonly string[] | undefined;
}

export interface GatewayPaths {
  readonly createTransaction: string;
  transactionDetails(transactionId: string): string;
  /** Path plus fixed query of the holdings fetch. */
  readonly holdings: string;
  /** True only for an exact, allow-listed engine read path (no decoding, no normalisation). */
  isEngineReadPath(path: string): boolean;
  /** Upstream path for an allow-listed engine path, with an already-encoded query string. */
  engine(path: string, encodedQuery: string): string;
  readonly engineReadPaths: readonly string[];
}

/** Builds the path table for one gateway name. */
export function createGatewayPaths(options: GatewayPathOptions): GatewayPaths {
  const name = encodeURIComponent(options.gatewayName);
  const fill = (template: string) => template.replaceAll('{gatewayName}', name);
  const engineBase = fill(GATEWAY_PATH_DEFAULTS.engineBase);
  const engineReadPaths = Object.freeze([
    ...(options.engineReadPaths ?? GATEWAY_PATH_DEFAULTS.engineReadPaths),
  ]);
  const allowed = new Set(engineReadPaths);
  return {
    createTransaction: fill(GATEWAY_PATH_DEFAULTS.createTransaction),
    transactionDetails: (transactionId) =>
      `${fill(GATEWAY_PATH_DEFAULTS.transactionDetails)}?transactionId=${encodeURIComponent(transactionId)}`,
    holdings: fill(options.holdingsPath ?? GATEWAY_PATH_DEFAULTS.holdings),
    isEngineReadPath: (path) => allowed.has(path),
    engine(path, encodedQuery) {
      if (!allowed.has(path)) throw new Error('engine path is not allow-listed');
      return `${engineBase}${path}${encodedQuery ? `?${encodedQuery}` : ''}`;
    },
    engineReadPaths,
  };
}
