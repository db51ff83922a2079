/**
 * Versioned schema. Append new versions; never edit one that has shipped. Times are ISO 8601
 * UTC text so rows stay readable with the sqlite3 shell.
 */
export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE links (
        partner_user_id   TEXT PRIMARY KEY,
        smallcase_auth_id TEXT NOT NULL UNIQUE,
        broker            TEXT,
        linked_at         TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) STRICT;

      CREATE TABLE link_events (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        partner_user_id   TEXT NOT NULL,
        smallcase_auth_id TEXT NOT NULL,
        event             TEXT NOT NULL CHECK (event IN ('linked', 'unlinked')),
        broker            TEXT,
        at                TEXT NOT NULL
      ) STRICT;
      CREATE INDEX link_events_by_user ON link_events (partner_user_id, at);

      CREATE TABLE transactions (
        transaction_id    TEXT PRIMARY KEY,
        partner_user_id   TEXT NOT NULL,
        intent            TEXT NOT NULL,
        status            TEXT NOT NULL,
        smallcase_auth_id TEXT,
        broker            TEXT,
        created_at        TEXT NOT NULL,
        expire_at         TEXT,
        updated_at        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX transactions_by_owner ON transactions (partner_user_id, created_at);

      CREATE TABLE idempotency_keys (
        partner_user_id   TEXT NOT NULL,
        idempotency_key   TEXT NOT NULL,
        request_hash      TEXT NOT NULL,
        response          TEXT,
        created_at        TEXT NOT NULL,
        expires_at        TEXT NOT NULL,
        PRIMARY KEY (partner_user_id, idempotency_key)
      ) STRICT;

      CREATE TABLE webhook_events (
        event_key         TEXT PRIMARY KEY,
        kind              TEXT NOT NULL,
        transaction_id    TEXT,
        smallcase_auth_id TEXT,
        received_at       TEXT NOT NULL,
        payload           TEXT NOT NULL
      ) STRICT;

      CREATE TABLE holdings_snapshots (
        partner_user_id   TEXT PRIMARY KEY,
        smallcase_auth_id TEXT NOT NULL,
        data              TEXT NOT NULL,
        snapshot_at       TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'readiness write probe and retention indexes',
    sql: `
      CREATE TABLE store_write_probe (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        checked_at        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
      CREATE INDEX transactions_by_update ON transactions (updated_at);
      CREATE INDEX webhook_events_by_receipt ON webhook_events (received_at);
    `,
  },
];
