/**
 * The shape of a Gateway transaction id, checked wherever one enters (path, body, webhook,
 * upstream reply), so that an id never reaches a URL or the database unchecked.
 */
export const TRANSACTION_ID = /^[A-Za-z0-9_-]{1,128}$/;
