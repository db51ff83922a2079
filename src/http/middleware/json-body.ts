import type { IncomingMessage } from 'node:http';
import bytes from 'bytes';
import express, { type RequestHandler, type Response } from 'express';
import { AppError, InvalidRequestError } from '../../errors/app-errors.js';

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Makes Node close the connection once the response is written instead of reading the unread body
 * to reuse it: a refused body is then never received, whatever its size.
 */
export function closeUnreadBody(res: Response): void {
  res.setHeader('Connection', 'close');
}

/** The declared Content-Length when it exceeds `limitBytes`, checked before anything is read. */
function declaredTooLarge(req: Parameters<RequestHandler>[0], limitBytes: number): boolean {
  const length = req.headers['content-length'];
  return length !== undefined && /^\d+$/.test(length) && Number(length) > limitBytes;
}

/**
 * True when any object in the parsed body has a `__proto__` key, or a `constructor` holding a
 * `prototype`: harmless after JSON.parse, but one careless merge away from polluting
 * `Object.prototype`. Iterative, because a 100 kB body can nest thousands of levels deep.
 */
function hasPollutingKey(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Object.hasOwn(value, '__proto__')) return true;
    const ctor = (value as Record<string, unknown>).constructor;
    if (
      Object.hasOwn(value, 'constructor') &&
      ctor !== null &&
      typeof ctor === 'object' &&
      Object.hasOwn(ctor, 'prototype')
    ) {
      return true;
    }
    for (const member of Object.values(value)) pending.push(member);
  }
  return false;
}

const rawTexts = new WeakMap<IncomingMessage, string>();

/**
 * The body's text as received, for a route whose body reader keeps it (`keepRawText`): the only
 * way to see a JSON number exactly as it was written (`1.50`, `15e-1`), which a signature may cover.
 */
export function rawJsonTextOf(req: IncomingMessage): string | undefined {
  return rawTexts.get(req);
}

/**
 * JSON-only body parsing: a body in any other media type is refused with 415, and one whose
 * Content-Length is over `limit` with 413, both before a byte of it is read (and the connection
 * closed rather than drained); a chunked body is cut off with 413 once it passes `limit`;
 * prototype-polluting keys get 400.
 */
export function jsonBody(limit: string, options: { keepRawText?: boolean } = {}): RequestHandler {
  const limitBytes = bytes.parse(limit);
  if (limitBytes === null) throw new Error(`jsonBody: ${limit} is not a size`);
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    type: 'application/json',
    ...(options.keepRawText
      ? {
          verify: (req: IncomingMessage, _res: unknown, raw: Buffer, charset: string) => {
            // Decoded as body-parser decodes it for JSON.parse (UTF-8 or UTF-16, a BOM dropped).
            try {
              rawTexts.set(req, new TextDecoder(charset).decode(raw));
            } catch {
              // A charset TextDecoder does not know: the route simply has no raw text.
            }
          },
        }
      : {}),
  });
  const requireJson: RequestHandler = (req, res, next) => {
    if (hasBody(req) && !req.is('application/json')) {
      closeUnreadBody(res);
      next(new AppError('unsupported_media_type', 'Send the request body as application/json.'));
      return;
    }
    if (declaredTooLarge(req, limitBytes)) {
      closeUnreadBody(res);
      next(new AppError('payload_too_large', `The request body is larger than ${limit}.`));
      return;
    }
    next();
  };
  const refusePollution: RequestHandler = (req, _res, next) => {
    if (hasPollutingKey(req.body)) {
      next(new InvalidRequestError('body: the keys __proto__ and constructor.prototype are not allowed'));
      return;
    }
    next();
  };
  const parseChecked: RequestHandler = (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error) next(error);
      else refusePollution(req, res, next);
    });
  };
  // One handler instead of three router layers; a request with neither Transfer-Encoding nor a
  // non-zero Content-Length has no body by any definition (ours or body-parser's): it skips all.
  return (req, res, next) => {
    const length = req.headers['content-length'];
    if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
      next();
      return;
    }
    requireJson(req, res, (error?: unknown) => {
      if (error) next(error);
      else parseChecked(req, res, next);
    });
  };
}
