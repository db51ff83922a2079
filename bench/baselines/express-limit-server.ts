/**
 * The same work as bare-limit-server.ts (HMAC verify, better-sqlite3 lookup, HMAC sign) inside
 * an Express 5 app with no middleware: separates the framework's cost from the middleware's.
 * Benchmark reference only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import express from 'express';

const partnerKey = Buffer.from(process.env.PARTNER_JWT_SECRET ?? '', 'utf8');
const gatewayKey = Buffer.from(process.env.GATEWAY_SECRET ?? '', 'utf8');
const db = new Database(process.env.SQLITE_PATH ?? ':memory:');
const selectLink = db.prepare<[string], { smallcase_auth_id: string }>(
  'SELECT smallcase_auth_id FROM links WHERE partner_user_id = ?',
);
const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');

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

const app = express();
app.set('etag', false);
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/auth-token', (req, res) => {
  const userId = verifiedSubject(req.headers.authorization);
  const link = userId === undefined ? undefined : selectLink.get(userId);
  if (!link) {
    res.status(401).json({ code: 'unauthenticated' });
    return;
  }
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + 3600;
  const payload = Buffer.from(JSON.stringify({ smallcaseAuthId: link.smallcase_auth_id, iat, exp })).toString(
    'base64url',
  );
  const signature = createHmac('sha256', gatewayKey).update(`${HEADER}.${payload}`).digest('base64url');
  res.setHeader('Cache-Control', 'no-store');
  res.json({
    smallcaseAuthToken: `${HEADER}.${payload}.${signature}`,
    userType: 'connected',
    expiresAt: new Date(exp * 1000).toISOString(),
    gatewayName: process.env.GATEWAY_NAME,
  });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  db.close();
});
