import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRouteTemplateResolver } from '../../src/http/route-templates.js';

describe('route template resolver', () => {
  const resolve = createRouteTemplateResolver([
    '/auth-token',
    '/transactions',
    '/transactions/:transactionId',
    '/engine/*path',
    '/openapi.json',
  ]);

  it('maps a request path to the template that serves it, never echoing ids', () => {
    assert.equal(resolve('/auth-token'), '/auth-token');
    assert.equal(resolve('/transactions'), '/transactions');
    assert.equal(resolve('/transactions/TRX_0123456789abcdef'), '/transactions/:transactionId');
    assert.equal(resolve('/engine/user/holdings'), '/engine/*path');
  });

  it('follows Express defaults: case-insensitive, one trailing slash allowed', () => {
    assert.equal(resolve('/Auth-Token/'), '/auth-token');
    assert.equal(resolve('/transactions/TRX_1/'), '/transactions/:transactionId');
  });

  it('matches dots literally and does not match deeper or unknown paths', () => {
    assert.equal(resolve('/openapiXjson'), undefined);
    assert.equal(resolve('/transactions/TRX_1/extra'), undefined);
    assert.equal(resolve('/engine'), undefined);
    assert.equal(resolve('/auth-token/user-123'), undefined);
    assert.equal(resolve('/'), undefined);
  });
});
