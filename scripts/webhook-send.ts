import { resolve } from 'node:path';
import { exitWithUsage, readArgs } from '../src/cli/cli-args.js';
import { readDotenvFile, withDevelopmentDotenv } from '../src/config/development-dotenv.js';
import {
  DEVELOPMENT_SECRETS_PATH,
  DevelopmentSecretsError,
  readDevelopmentSecrets,
  unsetDevelopmentSecrets,
} from '../src/config/development-secrets.js';
import { readSecret, readSecretFile } from '../src/config/secret-source.js';
import { postWebhook } from '../src/webhooks/post-webhook.js';
import { signWebhook } from '../src/webhooks/webhook-checksum.js';

const USAGE = `usage: npm run webhook:send -- --url <url> [--smallcase-auth-id <id>] [--transaction-id <id>]
       [--timestamp <seconds or ms>] [--ms] [--body '<json object of extra fields>']
Signs with GATEWAY_API_SECRET (or GATEWAY_API_SECRET_FILE) from the environment or .env; in development,
when neither sets it, with the one npm start keeps in ${DEVELOPMENT_SECRETS_PATH}. Prints the response status.`;

function fail(message: string): never {
  return exitWithUsage(message, USAGE);
}

function options() {
  return readArgs(
    {
      url: { type: 'string' },
      'smallcase-auth-id': { type: 'string' },
      'transaction-id': { type: 'string' },
      timestamp: { type: 'string' },
      ms: { type: 'boolean', default: false },
      body: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    USAGE,
  );
}

function extraFields(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {}
  return fail('--body: must be a JSON object');
}

/** The apiSecret: environment, then `.env`, then (development only) the kept development secrets. */
function checksumKey(): string {
  const { env, problems } = withDevelopmentDotenv(process.env, readDotenvFile());
  if (problems.length > 0) fail(problems.join('\n'));
  const apiSecret = readSecret(env, 'GATEWAY_API_SECRET', readSecretFile, problems);
  if (problems.length > 0) fail(problems.join('\n'));
  if (apiSecret) return apiSecret;
  if (unsetDevelopmentSecrets(env).includes('GATEWAY_API_SECRET')) {
    try {
      const kept = readDevelopmentSecrets(DEVELOPMENT_SECRETS_PATH);
      if (kept) {
        process.stderr.write(`signing with GATEWAY_API_SECRET from ${resolve(DEVELOPMENT_SECRETS_PATH)}\n`);
        return kept.GATEWAY_API_SECRET;
      }
    } catch (error) {
      if (error instanceof DevelopmentSecretsError) fail(error.message);
      throw error;
    }
  }
  return fail(
    `GATEWAY_API_SECRET: not set (the apiSecret is the checksum key); for a local npm start, run this from the same folder after its first start, which keeps it in ${DEVELOPMENT_SECRETS_PATH}`,
  );
}

/** `npm run webhook:send`: sends one checksummed test webhook, as the Gateway would. */
async function main(): Promise<void> {
  const args = options();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!args.url || !URL.canParse(args.url) || !/^https?:$/.test(new URL(args.url).protocol)) {
    fail('--url: an http(s) URL is required');
  }
  const apiSecret = checksumKey();
  const smallcaseAuthId = args['smallcase-auth-id'];
  const transactionId = args['transaction-id'];
  if (!smallcaseAuthId && !transactionId) fail('give --smallcase-auth-id and/or --transaction-id');
  if (args.timestamp !== undefined && !/^\d{1,16}$/.test(args.timestamp)) fail('--timestamp: digits only');
  const timestamp = args.timestamp ?? String(args.ms ? Date.now() : Math.floor(Date.now() / 1000));
  // A number, as the Gateway sends it, unless that would change its text (leading zeros).
  const sentTimestamp = String(Number(timestamp)) === timestamp ? Number(timestamp) : timestamp;
  const body = signWebhook(
    apiSecret,
    { timestamp: sentTimestamp, smallcaseAuthId, transactionId },
    extraFields(args.body),
  );
  const { statusCode, text } = await postWebhook(args.url, body, {
    userAgent: 'gateway-token-service webhook:send',
    timeoutMs: 10_000,
  });
  process.stdout.write(`HTTP ${statusCode}\n${text}\n`);
  process.exitCode = statusCode >= 200 && statusCode < 300 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`webhook:send failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
