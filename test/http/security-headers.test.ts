import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createSecurityHeaders } from '../../src/http/middleware/security-headers.js';
import { API_HELMET_OPTIONS, helmetHeaderSet } from '../../src/http/security-header-set.js';

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
    const precomputed = await securityHeadersOf(createSecurityHeaders(helmetHeaderSet()));
    assert.ok(Object.keys(fromHelmet).length >= 10, JSON.stringify(fromHelmet));
    assert.deepEqual(precomputed, fromHelmet);
    assert.equal(precomputed['x-powered-by'], undefined);
  });

  it('follows helmet options, so a change of configuration still flows from helmet', async () => {
    const options = { frameguard: { action: 'deny' as const }, strictTransportSecurity: false };
    const precomputed = await securityHeadersOf(createSecurityHeaders(helmetHeaderSet(options)));
    assert.deepEqual(precomputed, await securityHeadersOf(helmet(options)));
    assert.equal(precomputed['x-frame-options'], 'DENY');
    assert.equal(precomputed['strict-transport-security'], undefined);
  });

  it('serves by default the API set: helmet with a CSP that lets nothing load, frame or embed an answer', async () => {
    const served = await securityHeadersOf(createSecurityHeaders());
    assert.deepEqual(served, await securityHeadersOf(helmet(API_HELMET_OPTIONS)));
    assert.equal(served['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
  });
});
