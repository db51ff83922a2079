import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { readDotenvFile, withDevelopmentDotenv } from '../config/development-dotenv.js';
import {
  DEVELOPMENT_SECRETS_PATH,
  DevelopmentSecretsError,
  loadOrCreateDevelopmentSecrets,
  unsetDevelopmentSecrets,
} from '../config/development-secrets.js';
import { DEFAULT_EMULATOR_PORT } from '../config/load-config.js';
import { listenProblem } from '../lifecycle/listen-problem.js';
import { startGatewayEmulator } from './gateway-emulator.js';

function fail(problem: string): never {
  process.stderr.write(`config error: ${problem}\n`);
  process.exit(1);
}

/**
 * The emulator's settings: the environment, then `.env`, then (in development) the secrets that
 * `npm start` keeps in ./data/dev-secrets.json, so that a service started alongside matches them.
 */
function readSettings() {
  const { env, problems } = withDevelopmentDotenv(process.env, readDotenvFile());
  if (problems[0] !== undefined) fail(problems[0]);
  const portText = env.EMULATOR_PORT || String(DEFAULT_EMULATOR_PORT);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail('EMULATOR_PORT: must be a port number');
  const webhookUrl = env.EMULATOR_WEBHOOK_URL || undefined;
  if (webhookUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(webhookUrl)) {
    fail('EMULATOR_WEBHOOK_URL: must be an http(s) URL');
  }
  let kept: Record<string, string> = {};
  const fromFile = unsetDevelopmentSecrets(env).filter((name) => name !== 'PARTNER_JWT_SECRET');
  try {
    if (fromFile.length > 0) kept = loadOrCreateDevelopmentSecrets(DEVELOPMENT_SECRETS_PATH).secrets;
  } catch (error) {
    if (error instanceof DevelopmentSecretsError) fail(error.message);
    throw error;
  }
  const random: string[] = [];
  const secret = (name: string) => {
    const value = env[name] || kept[name];
    if (value && value.trim() !== '') return value;
    random.push(name);
    return randomBytes(32).toString('base64url');
  };
  return {
    gatewayName: env.GATEWAY_NAME || 'gatewaydemo',
    gatewaySecret: secret('GATEWAY_SECRET'),
    apiSecret: secret('GATEWAY_API_SECRET'),
    port: Number(portText),
    host: env.EMULATOR_HOST || '127.0.0.1',
    webhookUrl,
    secretsNote:
      random.length > 0
        ? ` (random per start: ${random.join(', ')})`
        : fromFile.length > 0
          ? ` (${fromFile.join(', ')} from ${resolve(DEVELOPMENT_SECRETS_PATH)}, as npm start uses them)`
          : '',
  };
}

/** `npm run emulator`: the Gateway emulator alone on EMULATOR_PORT (default 9090). */
async function run(): Promise<void> {
  const settings = readSettings();
  const emulator = await startGatewayEmulator({
    webhook: { url: settings.webhookUrl },
    gatewayName: settings.gatewayName,
    gatewaySecret: settings.gatewaySecret,
    apiSecret: settings.apiSecret,
    port: settings.port,
    host: settings.host,
  }).catch((error: unknown) => {
    const problem = listenProblem(error, {
      portVariable: 'EMULATOR_PORT',
      hostVariable: 'EMULATOR_HOST',
      port: settings.port,
      host: settings.host,
      usualSuspect: 'is npm start running? It runs its own emulator there unless GATEWAY_API_URL is set',
    });
    if (problem === undefined) throw error;
    return fail(problem);
  });
  const hooks = settings.webhookUrl
    ? `completion webhooks go to ${settings.webhookUrl}`
    : 'no EMULATOR_WEBHOOK_URL: no webhooks';
  process.stdout.write(
    `Gateway emulator for gateway "${settings.gatewayName}" listening on ${emulator.url}; control endpoints under ${emulator.url}/__emulator/; ${hooks}${settings.secretsNote}\n`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
