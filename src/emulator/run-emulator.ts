import { randomBytes } from 'node:crypto';
import { parsePostbackUrls } from './emulator-postbacks.js';
import { startGatewayEmulator } from './gateway-emulator.js';

function refuse(problem: string): never {
  process.stderr.write(`config error: ${problem}\n`);
  process.exit(1);
}

/** `npm run emulator`: the Gateway emulator alone on EMULATOR_PORT (default 9090). */
async function run(): Promise<void> {
  const env = process.env;
  const portText = env.EMULATOR_PORT || '9090';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) refuse('EMULATOR_PORT: must be a port number');
  const generated: string[] = [];
  const secret = (name: string) => {
    const value = env[name];
    if (value && value.trim() !== '') return value;
    generated.push(name);
    return randomBytes(32).toString('base64url');
  };
  const gatewayName = env.GATEWAY_NAME || 'gatewaydemo';
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
  const emulator = await startGatewayEmulator({
    webhook: { url: webhookUrl, urls, speedUp },
    gatewayName,
    gatewaySecret: secret('GATEWAY_SECRET'),
    apiSecret: secret('GATEWAY_API_SECRET'),
    port: Number(portText),
    host: env.EMULATOR_HOST || '127.0.0.1',
  });
  const note = generated.length > 0 ? ` (random per start: ${generated.join(', ')})` : '';
  const hooks = describeWebhooks(webhookUrl, Object.keys(urls), speedUp);
  process.stdout.write(
    `Gateway emulator for gateway "${gatewayName}" listening on ${emulator.url}; control endpoints under ${emulator.url}/__emulator/; ${hooks}${note}\n`,
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
