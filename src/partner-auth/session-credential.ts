import type { IncomingHttpHeaders } from 'node:http';
import { parseCookie } from 'cookie';
import { quoted, SessionRefusedError } from './session-refusal.js';

const BEARER_SCHEME = /^Bearer(?: |$)/i;
const BEARER = /^Bearer +(\S+)$/i;

/**
 * The partner session JWT of a request. Precedence: `Authorization: Bearer` wins, even when its
 * token is bad (an explicit credential is never swapped for an ambient cookie); any other
 * `Authorization` scheme (a staging gate's `Basic`, say) is not ours and leaves the cookie in
 * use; two cookies of the configured name are refused, since a sibling subdomain can plant one.
 */
export function extractSessionToken(headers: IncomingHttpHeaders, cookieName: string | undefined): string {
  const { authorization } = headers;
  if (authorization !== undefined && BEARER_SCHEME.test(authorization)) {
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined)
      throw new SessionRefusedError('malformed', 'Authorization: Bearer holds no single token');
    return token;
  }
  const cookies = cookieName === undefined ? [] : sessionCookies(headers.cookie, cookieName);
  if (cookies.length > 1) {
    throw new SessionRefusedError(
      'duplicate_cookie',
      `${cookies.length} cookies named ${quoted(cookieName)}`,
    );
  }
  if (cookies[0] !== undefined) return cookies[0];
  const wanted = cookieName === undefined ? '' : ` or a ${quoted(cookieName)} cookie`;
  if (authorization !== undefined) {
    const scheme = authorization.split(' ', 1)[0];
    throw new SessionRefusedError(
      'not_bearer',
      `Authorization uses scheme ${quoted(scheme)}; expected Bearer${wanted}`,
    );
  }
  throw new SessionRefusedError('no_credentials', `no Authorization: Bearer header${wanted}`);
}

/** Every value of the cookie `name`: the cookie library keeps only the first of repeated names. */
function sessionCookies(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const value = parseCookie(pair)[name];
    if (value !== undefined) values.push(value);
  }
  return values;
}
