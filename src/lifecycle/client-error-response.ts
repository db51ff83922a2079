import { randomUUID } from 'node:crypto';
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../errors/app-errors.js';
import { problemBody } from '../http/problem.js';
import { API_SECURITY_HEADERS } from '../http/security-header-set.js';

// Node's parser answers before Express runs, so the app's header middleware never sees these requests.
const SECURITY_HEADER_LINES = API_SECURITY_HEADERS.map(([name, value]) => `${name}: ${value}`);

interface ClientProblem {
  status: number;
  code: ErrorCode;
  detail: string;
}

// Fixed texts only: nothing from the rejected request is ever echoed back.
function classify(error: Error & { code?: unknown }): ClientProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'invalid_request', detail: 'request headers too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', detail: 'chunk extensions too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      // Node's own answer is 408; a 400 would tell a slow client its request was malformed.
      return { status: 408, code: 'invalid_request', detail: 'request not received in time' };
    default:
      return { status: 400, code: 'invalid_request', detail: 'malformed HTTP request' };
  }
}

function serialize(problem: ClientProblem): string {
  const requestId = randomUUID();
  const body = JSON.stringify(problemBody({ ...problem, requestId }));
  const lines = [
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    ...SECURITY_HEADER_LINES,
    'Cache-Control: no-store',
    'Connection: close',
  ];
  return `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * A `clientError` listener that answers what Node's HTTP parser rejects (oversized headers,
 * malformed lines, control characters) with the contract's problem+json, request id and
 * security headers instead of Node's bare status line. `responseInProgress` says whether a
 * response has already started on the socket, in which case writing would corrupt it.
 */
export function createClientErrorHandler(
  responseInProgress: (socket: Duplex) => boolean,
): (error: Error & { code?: unknown }, socket: Duplex) => void {
  return (error, socket) => {
    // The parser may report again for later chunks of a socket already answered.
    if (socket.writableEnded) return;
    if (error.code === 'ECONNRESET' || !socket.writable || responseInProgress(socket)) {
      socket.destroy();
      return;
    }
    // Destroyed once flushed, so that a client that never closes cannot hold the socket (or a drain).
    socket.end(serialize(classify(error)), () => socket.destroy());
  };
}

/**
 * True while bytes written to the socket now could land inside `res`: it has started, and not all
 * of it is queued on the socket yet. A response that owns the socket and has ended is wholly
 * queued, ahead of anything written after it; Node 24 reports a pipelined parse error in that
 * state, before `finish` (Node 20 after). A pipelined response waiting for the socket has none.
 */
export function isMidResponse(res: ServerResponse | undefined): boolean {
  if (res?.headersSent !== true || res.writableFinished) return false;
  return !(res.writableEnded && res.socket !== null);
}
