/**
 * Versioned schema, the PostgreSQL twin of `sqlite-migrations.ts`: same tables, same keys and
 * constraints, native types (timestamptz, jsonb). Append new versions; never edit a shipped one.
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE links (
        partner_user_id   text PRIMARY KEY,
        smallcase_auth_id text NOT NULL UNIQUE,
        broker            text,
        linked_at         timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL
      );

      CREATE TABLE link_events (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_user_id   text NOT NULL,
        smallcase_auth_id text NOT NULL,
        event             text NOT NULL CHECK (event IN ('linked', 'unlinked')),
        broker            text,
        at                timestamptz NOT NULL
      );
      CREATE INDEX link_events_by_user ON link_events (partner_user_id, at);

      CREATE TABLE transactions (
        transaction_id    text PRIMARY KEY,
        partner_user_id   text NOT NULL,
        intent            text NOT NULL,
        status            text NOT NULL,
        smallcase_auth_id text,
        broker            text,
        created_at        timestamptz NOT NULL,
        expire_at         timestamptz,
        updated_at        timestamptz NOT NULL
      );
      CREATE INDEX transactions_by_owner ON transactions (partner_user_id, created_at);

      CREATE TABLE idempotency_keys (
        partner_user_id   text NOT NULL,
        idempotency_key   text NOT NULL,
        request_hash      text NOT NULL,
        response          jsonb,
        created_at        timestamptz NOT NULL,
        expires_at        timestamptz NOT NULL,
        PRIMARY KEY (partner_user_id, idempotency_key)
      );
      CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

      CREATE TABLE webhook_events (
        event_key         text PRIMARY KEY,
        kind              text NOT NULL,
        transaction_id    text,
        smallcase_auth_id text,
        received_at       timestamptz NOT NULL,
        payload           jsonb NOT NULL
      );

      CREATE TABLE holdings_snapshots (
        partner_user_id   text PRIMARY KEY,
        smallcase_auth_id text NOT NULL,
        data              jsonb NOT NULL,
        snapshot_at       timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'readiness write probe and retention indexes',
    sql: `
      CREATE TABLE store_write_probe (
        id                integer PRIMARY KEY CHECK (id = 1),
        checked_at        timestamptz NOT NULL
      );
      CREATE INDEX transactions_by_update ON transactions (updated_at);
      CREATE INDEX webhook_events_by_receipt ON webhook_events (received_at);
    `,
  },
];
