/** The path of a request URL (`req.originalUrl`), without its query string; nothing is decoded. */
export function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/** The raw query string of a request URL, without the `?` (`''` when there is none). */
export function queryOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? '' : url.slice(queryAt + 1);
}
