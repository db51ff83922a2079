import type { RequestHandler } from 'express';

function isPromise(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function'
  );
}

/**
 * Runs `handlers` in order as one middleware, with Express 5's rules (an error passed to
 * `next`, thrown, or a rejected promise skips the rest and goes to the error handler), but
 * without one router layer per handler: each layer costs a path match and a URL rewrite.
 */
export function chain(handlers: readonly RequestHandler[]): RequestHandler {
  if (handlers.length === 1 && handlers[0]) return handlers[0];
  return (req, res, done) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error) {
        done(error);
        return;
      }
      const handler = handlers[index++];
      if (handler === undefined) {
        done();
        return;
      }
      try {
        const result: unknown = handler(req, res, step);
        if (isPromise(result))
          result.then(undefined, (rejection: unknown) => step(rejection ?? new Error('Rejected promise')));
      } catch (thrown) {
        step(thrown ?? new Error('Thrown nothing'));
      }
    };
    step();
  };
}
