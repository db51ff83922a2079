import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors/app-errors.js';

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON-only body parsing: a body in any other media type is refused with 415 before it is
 * read; a body over `limit` is refused with 413.
 */
export function jsonBody(limit: string): RequestHandler[] {
  const parse = express.json({ limit, strict: true, type: 'application/json' });
  const requireJson: RequestHandler = (req, _res, next) => {
    if (hasBody(req) && !req.is('application/json')) {
      next(new AppError('unsupported_media_type', 'Send the request body as application/json.'));
      return;
    }
    next();
  };
  return [requireJson, parse];
}
