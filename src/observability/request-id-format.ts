/**
 * A request id we keep from a client and forward upstream: short, and safe in a header and a
 * log line. Anything else is replaced by a fresh UUID.
 */
export const REQUEST_ID_FORMAT = /^[A-Za-z0-9._-]{1,128}$/;
