import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths redacted from every log object. Request and response objects are already reduced to
 * safe fields by the HTTP logger's serializers; this catches anything logged by hand.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-gateway-secret"]',
  'req.headers["x-gateway-authtoken"]',
  'req.headers["x-partner-proxy-secret"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-gateway-secret"]',
  'headers["x-gateway-authtoken"]',
  'headers["x-partner-proxy-secret"]',
  '*.smallcaseAuthToken',
  '*.sessionToken',
  '*.authToken',
  '*.token',
  '*.secret',
  '*.apiSecret',
  '*.password',
  'smallcaseAuthToken',
  'sessionToken',
  'token',
];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'gateway-token-service' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
