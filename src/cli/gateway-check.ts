import { readDotenvFile, withDevelopmentDotenv } from '../config/development-dotenv.js';
import { PRODUCTION_GATEWAY_API_URL } from '../config/gateway-config.js';
import { readSecret, readSecretFile } from '../config/secret-source.js';
import { runContractCheck } from '../gateway/contract-check.js';
import { exitWithUsage, readArgs } from './cli-args.js';

const USAGE = `usage: npm run gateway:check -- [--url <Gateway origin>] [--transaction-id <id>] [--timeout-ms <ms>]
   or, in the image: node dist/cli/gateway-check.js [same options]
Reads GATEWAY_NAME, GATEWAY_SECRET and GATEWAY_API_SECRET (or their *_FILE forms) from the environment.
--url defaults to GATEWAY_API_URL, else ${PRODUCTION_GATEWAY_API_URL}. Exits 0 when nothing is wrong,
1 with one "problem:" line per problem, 2 on a usage error. Never prints a secret or a whole token.`;

function usageError(message: string): never {
  return exitWithUsage(message, USAGE);
}

function options() {
  return readArgs(
    {
      url: { type: 'string' },
      'transaction-id': { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    USAGE,
  );
}

function settings(env: NodeJS.ProcessEnv, args: ReturnType<typeof options>) {
  const problems: string[] = [];
  const gatewaySecret = readSecret(env, 'GATEWAY_SECRET', readSecretFile, problems);
  const apiSecret = readSecret(env, 'GATEWAY_API_SECRET', readSecretFile, problems);
  if (!gatewaySecret?.trim()) problems.push('GATEWAY_SECRET: required (it signs the guest token)');
  if (!apiSecret?.trim()) problems.push('GATEWAY_API_SECRET: required (sent as x-gateway-secret)');
  const gatewayName = env.GATEWAY_NAME ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(gatewayName))
    problems.push('GATEWAY_NAME: required (a gateway name)');
  const url = args.url ?? (env.GATEWAY_API_URL || PRODUCTION_GATEWAY_API_URL);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    problems.push('--url: an http(s) origin');
  const timeoutText = args['timeout-ms'] ?? (env.GATEWAY_TIMEOUT_MS || '10000');
  if (!/^\d{3,6}$/.test(timeoutText)) problems.push('--timeout-ms: 100 to 999999');
  const transactionId = args['transaction-id'];
  if (transactionId !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(transactionId)) {
    problems.push('--transaction-id: a transaction id');
  }
  if (problems.length > 0) usageError(problems.join('\n'));
  return {
    baseUrl: url,
    gatewayName,
    gatewaySecret: gatewaySecret as string,
    apiSecret: apiSecret as string,
    timeoutMs: Number(timeoutText),
    transactionId,
  };
}

/** `npm run gateway:check`: the first thing to run with new credentials (README, docs/gateway.md). */
async function main(): Promise<void> {
  const args = options();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { env, problems } = withDevelopmentDotenv(process.env, readDotenvFile());
  if (problems.length > 0) usageError(problems.join('\n'));
  const checked = settings(env, args);
  process.stdout.write(
    `gateway:check ${new URL(checked.baseUrl).origin} as gateway "${checked.gatewayName}"\n`,
  );
  const report = await runContractCheck(checked);
  for (const finding of report.findings) process.stdout.write(`ok: ${finding}\n`);
  for (const problem of report.problems) process.stdout.write(`problem: ${problem}\n`);
  process.stdout.write(
    report.problems.length === 0 ? 'passed\n' : `failed: ${report.problems.length} problem(s)\n`,
  );
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway:check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
