export type NodeEnv = 'development' | 'production' | 'test';

export type PartnerKeySource =
  | { kind: 'secret'; secret: string }
  | { kind: 'public-key'; pem: string }
  | { kind: 'jwks'; url: string };

export type PartnerAuthConfig =
  | {
      mode: 'jwt';
      key: PartnerKeySource;
      issuer: string | undefined;
      audience: string | undefined;
      /** Explicit allow-list; undefined means "derive from the key type". */
      algorithms: readonly string[] | undefined;
      userClaim: string;
      sessionCookie: string | undefined;
      /** A session whose `exp` lies further ahead than this is refused. */
      maxLifetimeSeconds: number;
    }
  | { mode: 'header'; userHeader: string; proxySecret: string };

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly gatewayName: string;
  readonly gatewaySecret: string;
  readonly gatewayApiSecret: string;
  /** During an apiSecret rotation: also accepted as the webhook checksum key; never sent upstream. */
  readonly gatewayApiSecretPrevious: string | undefined;
  /** Undefined in development when the bundled emulator should be started as the upstream. */
  readonly gatewayApiUrl: string | undefined;
  readonly gatewayTimeoutMs: number;
  /**
   * Upstream path and fixed query of the holdings fetch (`{gatewayName}` filled in by the
   * client); unset: the client's default.
   */
  readonly gatewayHoldingsPath: string | undefined;
  /** Engine read paths that `GET /engine/*path` may reach; unset: the client's default list. */
  readonly gatewayEnginePaths: readonly string[] | undefined;
  /** Intents `POST /transactions` accepts (GATEWAY_INTENTS); unset: every intent the service validates. */
  readonly gatewayIntents: readonly string[] | undefined;
  readonly authTokenTtlSeconds: number;
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  readonly partnerAuth: PartnerAuthConfig;
  readonly corsOrigins: readonly string[];
  /** Value handed to Express `trust proxy`: false, a hop count, or a list of addresses/CIDRs. */
  readonly trustProxy: false | number | readonly string[];
  readonly rateLimitPerMinute: number;
  readonly webhookMaxAgeSeconds: number;
  /** Finished transactions are purged this many days after their last change. */
  readonly retentionDays: number;
  /** `GET /metrics` on a listener of its own (same host); never the public port. */
  readonly metricsPort: number | undefined;
  /** Development without `METRICS_PORT` only; production then serves no `/metrics` at all. */
  readonly metricsOnPublicPort: boolean;
  readonly logLevel: string;
  readonly devLogin: boolean;
  /** Development without GATEWAY_API_URL: where the in-process emulator listens (0 = any free port). */
  readonly emulatorPort: number;
  /** Development: port of the demo partner page (on loopback); 0 when it is off. */
  readonly demoPort: number;
  /** Web SDK script the demo loads instead of the emulator's stand-in. */
  readonly demoSdkUrl: string | undefined;
  /** Names of the variables that fell back to a development default (for the start-up log). */
  readonly developmentDefaults: readonly string[];
}

export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}
