import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../../errors/app-errors.js';
import { sendProblem, statusOf } from '../problem.js';

const BODY_PARSER_ERRORS: Record<string, [ErrorCode, string]> = {
  'entity.too.large': ['payload_too_large', 'The request body is too large.'],
  'entity.parse.failed': ['invalid_request', 'The request body is not valid JSON.'],
  'encoding.unsupported': ['unsupported_media_type', 'The request body encoding is not supported.'],
  'charset.unsupported': ['unsupported_media_type', 'The request body charset is not supported.'],
  'request.aborted': ['invalid_request', 'The request body was not received completely.'],
  'stream.encoding.set': ['internal', 'Internal error.'],
};

/**
 * Body-parser passes some failures through without a `type` (a corrupt gzip or brotli body is
 * a zlib error with status 400): the client's fault, so a 4xx rather than a 500.
 */
function clientHttpError(error: unknown): [ErrorCode, string] | undefined {
  // The router reports a path with bad percent-encoding as a URIError (status 400, not exposed).
  if (error instanceof URIError) return ['invalid_request', 'path: malformed percent-encoding.'];
  if (typeof error !== 'object' || error === null || !('expose' in error) || error.expose !== true)
    return undefined;
  const status = 'status' in error ? error.status : undefined;
  if (status === 413) return ['payload_too_large', 'The request body is too large.'];
  if (status === 415) return ['unsupported_media_type', 'The request body encoding is not supported.'];
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return ['invalid_request', 'The request body could not be read.'];
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  sendProblem(res, { code: 'not_found', detail: 'No such route.' });
};

/**
 * The one place errors become responses: `AppError`s keep their code; body-parser errors are
 * translated; anything else is a 500 with no detail (the cause is logged, never sent).
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) {
    req.log?.error({ err: error }, 'error after response started');
    res.destroy();
    return;
  }
  if (error instanceof AppError) {
    const hidden = statusOf(error.code) >= 500;
    if (hidden) req.log?.warn({ err: error, code: error.code }, 'request failed');
    sendProblem(res, {
      code: error.code,
      detail: error.code === 'internal' ? 'Internal error.' : error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    });
    return;
  }
  const parserError =
    (typeof error?.type === 'string' ? BODY_PARSER_ERRORS[error.type] : undefined) ?? clientHttpError(error);
  if (parserError) {
    sendProblem(res, { code: parserError[0], detail: parserError[1] });
    return;
  }
  req.log?.error({ err: error }, 'unhandled error');
  sendProblem(res, { code: 'internal', detail: 'Internal error.' });
};
