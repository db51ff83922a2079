/**
 * The physical limit for `/auth-token` in Node: `node:http`, the HS256 bearer verified with a
 * bare HMAC, one better-sqlite3 lookup, a new HS256 token signed by hand. No framework, no
 * logging, no rate limit. Benchmark baseline only: the service itself uses kept libraries.
 * BARE_MODE=json answers a constant JSON body instead (the cost of node:http alone).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';

const port = Number(process.env.PORT);
const mode = process.env.BARE_MODE ?? 'limit';
const partnerKey = Buffer.from(process.env.PARTNER_JWT_SECRET ?? '', 'utf8');
const gatewayKey = Buffer.from(process.env.GATEWAY_SECRET ?? '', 'utf8');
const db = new Database(process.env.SQLITE_PATH ?? ':memory:');
const selectLink = db.prepare<[string], { smallcase_auth_id: string }>(
  'SELECT smallcase_auth_id FROM links WHERE partner_user_id = ?',
);
const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function verifiedSubject(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Bearer ')) return undefined;
  const [header, payload, signature] = authorization.slice(7).split('.');
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac('sha256', partnerKey).update(`${header}.${payload}`).digest();
  const presented = Buffer.from(signature, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
  return typeof claims.sub === 'string' ? claims.sub : undefined;
}

function mint(smallcaseAuthId: string): { token: string; exp: number } {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + 3600;
  const payload = Buffer.from(JSON.stringify({ smallcaseAuthId, iat, exp })).toString('base64url');
  const signature = createHmac('sha256', gatewayKey).update(`${HEADER}.${payload}`).digest('base64url');
  return { token: `${HEADER}.${payload}.${signature}`, exp };
}

const server = createServer((req, res) => {
  if (mode === 'json' || req.url === '/readyz') {
    send(res, 200, '{"status":"ok"}');
    return;
  }
  const userId = verifiedSubject(req.headers.authorization);
  if (userId === undefined) {
    send(res, 401, '{"code":"unauthenticated"}');
    return;
  }
  const link = selectLink.get(userId);
  if (!link) {
    send(res, 404, '{"code":"not_found"}');
    return;
  }
  const { token, exp } = mint(link.smallcase_auth_id);
  send(
    res,
    200,
    JSON.stringify({
      smallcaseAuthToken: token,
      userType: 'connected',
      expiresAt: new Date(exp * 1000).toISOString(),
      gatewayName: process.env.GATEWAY_NAME,
    }),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  db.close();
});
