import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { PROBLEM_CODES, statusOf } from '../../src/http/problem.js';
import { createRouteTable } from '../../src/http/route-table.js';
import { CANARY } from '../support/canaries.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, unknown>;
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operation: Json;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Follows `keys` into nested JSON; undefined as soon as a step is missing. */
function at(value: unknown, ...keys: (string | number)[]): unknown {
  return keys.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    value,
  );
}

function operationsOf(document: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (METHODS.has(method)) operations.push({ method, path, operation: operation as Json });
    }
  }
  return operations;
}

function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}

/** A concrete URL for a documented path: each parameter's first example, else a plausible value. */
function probePath(path: string, operation: Json): string {
  const parameters = (operation.parameters ?? []) as Json[];
  return path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const schema = parameters.find((parameter) => parameter.name === name)?.schema as Json | undefined;
    const examples = schema?.examples as string[] | undefined;
    return examples?.[0] ?? `TRX_${'0'.repeat(32)}`;
  });
}

function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, refs);
  else if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      if (key === '$ref' && typeof member === 'string') refs.push(member);
      else collectRefs(member, refs);
    }
  }
  return refs;
}

function resolvePointer(document: Json, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), `only local refs: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
}

async function fetchDocument(testApp: TestApp): Promise<Json> {
  const response = await request(testApp.app).get('/openapi.json').expect(200);
  assert.match(response.headers['content-type'] ?? '', /^application\/json/);
  return response.body as Json;
}

describe('GET /openapi.json', () => {
  const testApp = buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000', DEV_LOGIN: 'true' } });
  after(() => testApp.close());

  it('is an OpenAPI 3.1 document whose references, path parameters and problem responses are consistent', async () => {
    const document = await fetchDocument(testApp);
    assert.equal(document.openapi, '3.1.0');
    const info = document.info as Json;
    assert.equal(typeof info.title, 'string');
    assert.equal(typeof info.version, 'string');
    const components = document.components as Json;
    assert.ok((components.schemas as Json).Problem);
    assert.deepEqual(Object.keys(components.securitySchemes as Json), ['partnerSession']);

    for (const ref of collectRefs(document)) assert.ok(resolvePointer(document, ref), `${ref} resolves`);
    const operations = operationsOf(document);
    const ids = operations.map(({ operation }) => operation.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    for (const { method, path, operation } of operations) {
      const where = `${method} ${path}`;
      assert.ok(path.startsWith('/'), where);
      const pathParameters = ((operation.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      assert.deepEqual(pathParameters.map((parameter) => parameter.name).sort(), templated.sort(), where);
      for (const parameter of pathParameters) assert.equal(parameter.required, true, where);
      for (const requirement of operation.security as Json[]) {
        for (const scheme of Object.keys(requirement)) {
          assert.ok((components.securitySchemes as Json)[scheme], `${where}: scheme ${scheme}`);
        }
      }
      const responses = operation.responses as Record<string, Json>;
      assert.ok(responses['500'], `${where} documents the internal problem`);
      for (const [status, response] of Object.entries(responses)) {
        assert.equal(typeof response.description, 'string', `${where} ${status}`);
        const problem = (response.content as Json | undefined)?.['application/problem+json'] as
          | Json
          | undefined;
        if (!problem) continue;
        const codes = at(problem, 'schema', 'allOf', 1, 'properties', 'code', 'enum');
        assert.ok(Array.isArray(codes), `${where} ${status}: problem codes listed`);
        for (const code of codes as string[]) {
          assert.ok((PROBLEM_CODES as string[]).includes(code), `${where}: ${code} is a contract code`);
          assert.equal(String(statusOf(code as never)), status, `${where}: ${code} under its own status`);
        }
      }
    }
  });

  it('documents the token response, the rate limit and the partner session on /auth-token', async () => {
    const document = await fetchDocument(testApp);
    const post = (document.paths as Record<string, Record<string, Json>>)['/auth-token']?.post;
    assert.ok(post);
    assert.deepEqual(post.security, [{ partnerSession: [] }]);
    const responses = post.responses as Record<string, Json>;
    const ok = at(responses, '200', 'content', 'application/json', 'schema') as Json;
    assert.deepEqual(
      Object.keys(ok.properties as Json).sort(),
      ['expiresAt', 'gatewayName', 'smallcaseAuthToken', 'userType'].sort(),
    );
    assert.ok(responses['429']?.headers && (responses['429'].headers as Json)['Retry-After']);
    assert.match(String(responses['401']?.description), /unauthenticated/);
  });

  it('documents the same request schema that validates: /dev/session needs userId, and the live route says so', async () => {
    const document = await fetchDocument(testApp);
    const post = (document.paths as Record<string, Record<string, Json>>)['/dev/session']?.post as Json;
    const body = ((post.requestBody as Json).content as Record<string, Json>)['application/json']?.schema;
    assert.deepEqual((body as Json).required, ['userId']);
    const refused = await request(testApp.app).post('/dev/session').send({}).expect(400);
    assert.match(refused.body.detail, /body\.userId/);
  });

  it('lists exactly the mounted routes: every documented operation is answered, one operation per route table entry', async () => {
    const document = await fetchDocument(testApp);
    const session = testApp.session('user-openapi-probe');
    for (const { method, path, operation } of operationsOf(document)) {
      const probe = request(testApp.app)[method as 'get'](probePath(path, operation)).set(bearer(session));
      const response = method === 'get' ? await probe : await probe.send({});
      const noSuchRoute = response.status === 404 && response.body?.detail === 'No such route.';
      assert.ok(!noSuchRoute, `${method.toUpperCase()} ${path} is documented but not mounted`);
    }
    const unknown = await request(testApp.app).get('/not-a-documented-route').set(bearer(session));
    assert.equal(unknown.body.detail, 'No such route.', 'the probe can tell a missing route apart');

    // The app mounts exactly the route table (src/http/mount-routes.ts), so the table stands for what is mounted.
    const documented = operationsOf(document).map(({ method, path }) => `${method} ${path}`);
    const mounted = createRouteTable(testApp.services).map(
      ({ method, path }) => `${method} ${toOpenApiPath(path)}`,
    );
    assert.deepEqual([...documented].sort(), [...mounted].sort());
  });

  it('leaves /dev/session out when development login is off, as the app does', async () => {
    const noDevLogin = buildTestApp({ env: { DEV_LOGIN: 'false' } });
    try {
      const document = await fetchDocument(noDevLogin);
      assert.equal((document.paths as Json)['/dev/session'], undefined);
      const response = await request(noDevLogin.app).post('/dev/session').send({ userId: 'u' }).expect(404);
      assert.equal(response.body.detail, 'No such route.');
    } finally {
      await noDevLogin.close();
    }
  });

  it('describes header mode as the two headers the trusted proxy sends', async () => {
    const headerMode = buildTestApp({
      env: {
        PARTNER_AUTH: 'header',
        PARTNER_USER_HEADER: 'x-partner-user',
        PARTNER_PROXY_SECRET: CANARY.proxySecret,
        PARTNER_JWT_SECRET: '',
      },
    });
    try {
      const document = await fetchDocument(headerMode);
      const schemes = (document.components as Json).securitySchemes as Record<string, Json>;
      assert.equal(schemes.partnerUserHeader?.name, 'x-partner-user');
      assert.equal(schemes.partnerUserHeader?.in, 'header');
      assert.equal(schemes.partnerProxySecret?.name, 'x-partner-proxy-secret');
      const get = (document.paths as Record<string, Record<string, Json>>)['/auth-token']?.get as Json;
      assert.deepEqual(get.security, [{ partnerUserHeader: [], partnerProxySecret: [] }]);
      assert.ok(!JSON.stringify(document).includes(CANARY.proxySecret), 'the document holds no secret');
    } finally {
      await headerMode.close();
    }
  });
});
