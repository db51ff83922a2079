import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createSecurityHeaders } from '../../src/http/middleware/security-headers.js';

const SECURITY_HEADER =
  /^(content-security-policy|cross-origin-|origin-agent-cluster|referrer-policy|strict-transport-security|x-(content-type|dns-prefetch|download|frame|permitted|xss)|x-powered-by)/;

async function securityHeadersOf(middleware: express.RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  const response = await request(app).get('/').expect(200);
  return Object.fromEntries(
    Object.entries(response.headers as Record<string, string>).filter(([name]) => SECURITY_HEADER.test(name)),
  );
}

describe('security headers', () => {
  it('sets exactly the headers and values helmet sets, and no X-Powered-By', async () => {
    const fromHelmet = await securityHeadersOf(helmet());
    const precomputed = await securityHeadersOf(createSecurityHeaders());
    assert.ok(Object.keys(fromHelmet).length >= 10, JSON.stringify(fromHelmet));
    assert.deepEqual(precomputed, fromHelmet);
    assert.equal(precomputed['x-powered-by'], undefined);
  });

  it('follows helmet options, so a change of configuration still flows from helmet', async () => {
    const options = { frameguard: { action: 'deny' as const }, strictTransportSecurity: false };
    const precomputed = await securityHeadersOf(createSecurityHeaders(options));
    assert.deepEqual(precomputed, await securityHeadersOf(helmet(options)));
    assert.equal(precomputed['x-frame-options'], 'DENY');
    assert.equal(precomputed['strict-transport-security'], undefined);
  });
});
