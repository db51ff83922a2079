import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Agent, request } from 'undici';
import { rememberToken } from '../support/log-capture.js';

const REQUEST_TIMEOUT_MS = 10_000;

export interface Reply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  readonly body: any;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions {
  /** Sends a partner session for this user. */
  readonly userId?: string;
  readonly body?: unknown;
}

export interface ClusterClient {
  /** A partner session JWT for `userId`; the log leak check watches for it. */
  session(userId: string): string;
  call(
    baseUrl: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options?: CallOptions,
  ): Promise<Reply>;
  close(): Promise<void>;
}

/** HTTP calls to the instances through one keep-alive agent, every call bounded by a deadline. */
export function createClusterClient(options: { partnerJwtSecret: string }): ClusterClient {
  const agent = new Agent({ connections: 16 });
  const partnerKey = createSecretKey(Buffer.from(options.partnerJwtSecret));
  const sessions = new Map<string, string>();

  const session = (userId: string): string => {
    let token = sessions.get(userId);
    if (token === undefined) {
      token = jwt.sign({ sub: userId }, partnerKey, { algorithm: 'HS256', expiresIn: 600 });
      rememberToken(token);
      sessions.set(userId, token);
    }
    return token;
  };

  return {
    session,
    async call(baseUrl, method, path, callOptions = {}) {
      const headers: Record<string, string> = {};
      if (callOptions.userId !== undefined) headers.authorization = `Bearer ${session(callOptions.userId)}`;
      if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
      const response = await request(`${baseUrl}${path}`, {
        method,
        headers,
        body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body),
        dispatcher: agent,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
      const text = await response.body.text();
      const body = /json/.test(String(response.headers['content-type'])) && text ? JSON.parse(text) : text;
      if (typeof body?.smallcaseAuthToken === 'string') rememberToken(body.smallcaseAuthToken);
      return { status: response.statusCode, body, headers: response.headers };
    },
    close: () => agent.close(),
  };
}
