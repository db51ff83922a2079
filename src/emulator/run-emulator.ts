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
import { parsePostbackUrls } from './emulator-postbacks.js';
import { startGatewayEmulator } from './gateway-emulator.js';

function refuse(problem: string): never {
  process.stderr.write(`config error: ${problem}\n`);
  process.exit(1);
}

/**
 * The secrets: the environment (or `.env`), else in development the ones `npm start` keeps in
 * ./data/dev-secrets.json (created here when the emulator starts first), so that both agree.
 */
function readSecrets(env: NodeJS.ProcessEnv) {
  const fromFile = unsetDevelopmentSecrets(env).filter((name) => name !== 'PARTNER_JWT_SECRET');
  let kept: Record<string, string> = {};
  try {
    if (fromFile.length > 0) kept = loadOrCreateDevelopmentSecrets(DEVELOPMENT_SECRETS_PATH).secrets;
  } catch (error) {
    if (error instanceof DevelopmentSecretsError) refuse(error.message);
    throw error;
  }
  const random: string[] = [];
  const secret = (name: string) => {
    const value = env[name] || kept[name];
    if (value && value.trim() !== '') return value;
    random.push(name);
    return randomBytes(32).toString('base64url');
  };
  const gatewaySecret = secret('GATEWAY_SECRET');
  const apiSecret = secret('GATEWAY_API_SECRET');
  const note =
    random.length > 0
      ? ` (random per start: ${random.join(', ')})`
      : fromFile.length > 0
        ? ` (${fromFile.join(', ')} from ${resolve(DEVELOPMENT_SECRETS_PATH)}, as npm start uses them)`
        : '';
  return { gatewaySecret, apiSecret, note };
}

/** The emulator's settings from the environment, then `.env`, then the kept development secrets. */
function readSettings() {
  const { env, problems } = withDevelopmentDotenv(process.env, readDotenvFile());
  if (problems[0] !== undefined) refuse(problems[0]);
  const portText = env.EMULATOR_PORT || String(DEFAULT_EMULATOR_PORT);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) refuse('EMULATOR_PORT: must be a port number');
  const webhookUrl = env.EMULATOR_WEBHOOK_URL || undefined;
  if (webhookUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(webhookUrl)) {
    refuse('EMULATOR_WEBHOOK_URL: must be an http(s) URL');
  }
  const urls = parsePostbackUrls(env.EMULATOR_WEBHOOK_URLS ?? '');
  if (typeof urls === 'string') refuse(`EMULATOR_WEBHOOK_URLS: ${urls}`);
  const speedUpText = env.EMULATOR_WEBHOOK_SPEEDUP || '1';
  const speedUp = Number(speedUpText);
  if (!/^\d+(\.\d+)?$/.test(speedUpText) || !(speedUp >= 1)) {
    refuse('EMULATOR_WEBHOOK_SPEEDUP: must be a number >= 1');
  }
  return {
    gatewayName: env.GATEWAY_NAME || 'gatewaydemo',
    port: Number(portText),
    host: env.EMULATOR_HOST || '127.0.0.1',
    webhook: { url: webhookUrl, urls, speedUp },
    secrets: readSecrets(env),
  };
}

/** `npm run emulator`: the Gateway emulator alone on EMULATOR_PORT (default 9090). */
async function run(): Promise<void> {
  const settings = readSettings();
  const { gatewayName, port, host, webhook, secrets } = settings;
  const emulator = await startGatewayEmulator({
    webhook,
    gatewayName,
    gatewaySecret: secrets.gatewaySecret,
    apiSecret: secrets.apiSecret,
    port,
    host,
  }).catch((error: unknown) => {
    const problem = listenProblem(error, {
      portVariable: 'EMULATOR_PORT',
      hostVariable: 'EMULATOR_HOST',
      port,
      host,
      usualSuspect: 'is npm start running? It runs its own emulator there unless GATEWAY_API_URL is set',
    });
    if (problem === undefined) throw error;
    return refuse(problem);
  });
  const hooks = describeWebhooks(webhook.url, Object.keys(webhook.urls), webhook.speedUp);
  process.stdout.write(
    `Gateway emulator for gateway "${gatewayName}" listening on ${emulator.url}; control endpoints under ${emulator.url}/__emulator/; ${hooks}${secrets.note}\n`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function describeWebhooks(url: string | undefined, perKind: string[], speedUp: number): string {
  if (!url && perKind.length === 0) return 'no EMULATOR_WEBHOOK_URL(S): no webhooks';
  const kinds = perKind.length > 0 ? ` (own URL for ${perKind.join(', ')})` : '';
  const pace = speedUp > 1 ? `, divided by ${speedUp}` : '';
  return `completion webhooks go to ${url ?? '(no default)'}${kinds}, redelivered after 15 min, 24 h, 48 h${pace}`;
}

run().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
