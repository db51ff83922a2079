import type { ServerResponse } from 'node:http';
import type { Express, Request, RequestHandler } from 'express';
import type { Logger } from '../../observability/logger.js';
import { pathOf } from '../request-url.js';
import { assignRequestId } from './request-id.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id (`x-request-id`), set by the request logger. */
    id: string;
    /** A child logger bound to the request id, made on first use. */
    readonly log: Logger;
  }
}

const STARTED = Symbol('requestStarted');
const CHILD = Symbol('requestLog');
const MAX_PATH_LENGTH = 512;

type TimedResponse = ServerResponse & { [STARTED]?: number };
type LoggedRequest = Request & { [CHILD]?: Logger };

/**
 * One shared `close` listener (`this` is the response) instead of a closure per request; `close`
 * follows `finish`, and also comes alone when the client went away before the answer ended.
 */
function createLineWriter(logger: Logger) {
  return function logResponse(this: TimedResponse): void {
    const req = this.req as Request;
    const statusCode = this.statusCode;
    const completed = this.writableFinished && !req.readableAborted;
    const entry: Record<string, unknown> = {
      reqId: req.id,
      req: { method: req.method, path: pathOf(req.originalUrl ?? req.url ?? '').slice(0, MAX_PATH_LENGTH) },
      res: { statusCode },
      responseTime: Date.now() - (this[STARTED] ?? Date.now()),
    };
    if (statusCode >= 500) {
      entry.err = new Error(`failed with status code ${statusCode}`);
      logger.error(entry, completed ? 'request errored' : 'request aborted');
    } else if (statusCode >= 400) {
      logger.warn(entry, completed ? 'request completed' : 'request aborted');
    } else {
      logger.info(entry, completed ? 'request completed' : 'request aborted');
    }
  };
}

/**
 * One log line per request, with the request id; returns the middleware that writes it (the
 * caller mounts it). Requests are logged as method and path only: headers carry credentials and
 * query strings can carry tokens a careless client put there. `req.log`, a child bound to the
 * request id and redacting like the root logger, is only made when a handler logs, which most
 * requests never do.
 */
export function createHttpLogger(app: Express, logger: Logger): RequestHandler {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: LoggedRequest): Logger {
      let child = this[CHILD];
      if (child === undefined) {
        child = logger.child({ reqId: this.id });
        this[CHILD] = child;
      }
      return child;
    },
  });
  // The line holds only the fields built above (a validated request id, method, a path without
  // its query, status, time): nothing to redact, and the redaction pass cost ~7 % of the CPU of
  // an `/auth-token` request. Everything logged by hand still goes through redaction.
  const logResponse = createLineWriter(logger.child({}, { redact: [] }));
  return (req, res, next) => {
    req.id = assignRequestId(req, res);
    (res as TimedResponse)[STARTED] = Date.now();
    // `on`, not `once`: a response closes once, and `once` would allocate a wrapper per request.
    res.on('close', logResponse);
    next();
  };
}
