import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { chain } from '../../src/http/middleware/chain.js';

function appWith(handlers: RequestHandler[]) {
  const seen: string[] = [];
  const app = express();
  app.use('/x', chain(handlers));
  app.get('/x', (_req, res) => {
    res.json({ seen });
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(500).json({ seen, error: error instanceof Error ? error.message : String(error) });
  };
  app.use(onError);
  return { app, seen };
}

describe('middleware chain', () => {
  it('runs every handler in order, then the route', async () => {
    const { app, seen } = appWith([
      (_req, _res, next) => {
        seen.push('a');
        next();
      },
      async (_req, _res, next) => {
        await Promise.resolve();
        seen.push('b');
        next();
      },
      (_req, _res, next) => {
        seen.push('c');
        next();
      },
    ]);
    const response = await request(app).get('/x').expect(200);
    assert.deepEqual(response.body.seen, ['a', 'b', 'c']);
  });

  for (const [how, failing] of [
    ['passed to next', ((_req, _res, next) => next(new Error('boom'))) as RequestHandler],
    [
      'thrown',
      (() => {
        throw new Error('boom');
      }) as RequestHandler,
    ],
    [
      'a rejected promise',
      (async () => {
        throw new Error('boom');
      }) as RequestHandler,
    ],
  ] as const) {
    it(`skips the rest and reaches the error handler when an error is ${how}`, async () => {
      const { app } = appWith([
        (_req, _res, next) => next(),
        failing,
        () => {
          throw new Error('must not run');
        },
      ]);
      const response = await request(app).get('/x').expect(500);
      assert.equal(response.body.error, 'boom');
    });
  }
});
