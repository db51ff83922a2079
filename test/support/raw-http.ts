import { connect } from 'node:net';

export interface RawExchange {
  /** Status of the first response. */
  readonly status: number;
  /** Lower-cased header names of the first response. */
  readonly headers: ReadonlyMap<string, string>;
  readonly text: string;
}

/**
 * Writes `head` (a request line and headers, maybe part of a body) on a plain TCP socket and
 * never anything more, then collects what the server sends until it closes the connection. A
 * server that waited for the rest of the body would never answer: that fails after `timeoutMs`.
 */
export function sendHeadOnly(port: number, head: string, timeoutMs = 10_000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms: the server waits for the body`));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [statusLine = '', ...lines] = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
      const headers = new Map(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text });
    });
    socket.write(head);
  });
}
