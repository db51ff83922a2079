import { randomBytes } from 'node:crypto';
import { startGatewayEmulator } from './gateway-emulator.js';

/** `npm run emulator`: the Gateway emulator alone on EMULATOR_PORT (default 9090). */
async function run(): Promise<void> {
  const env = process.env;
  const portText = env.EMULATOR_PORT || '9090';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    process.stderr.write('config error: EMULATOR_PORT: must be a port number\n');
    process.exit(1);
  }
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
    process.stderr.write('config error: EMULATOR_WEBHOOK_URL: must be an http(s) URL\n');
    process.exit(1);
  }
  const emulator = await startGatewayEmulator({
    webhook: { url: webhookUrl },
    gatewayName,
    gatewaySecret: secret('GATEWAY_SECRET'),
    apiSecret: secret('GATEWAY_API_SECRET'),
    port: Number(portText),
    host: env.EMULATOR_HOST || '127.0.0.1',
  });
  const note = generated.length > 0 ? ` (random per start: ${generated.join(', ')})` : '';
  const hooks = webhookUrl
    ? `completion webhooks go to ${webhookUrl}`
    : 'no EMULATOR_WEBHOOK_URL: no webhooks';
  process.stdout.write(
    `Gateway emulator for gateway "${gatewayName}" listening on ${emulator.url}; control endpoints under ${emulator.url}/__emulator/; ${hooks}${note}\n`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
