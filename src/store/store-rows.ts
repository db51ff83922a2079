import type { Link, TransactionRecord } from './store.js';

/** SQLite keeps times as ISO text, PostgreSQL returns `Date`s; both columns map the same way. */
type StoredTime = string | Date;

export interface LinkRow {
  partner_user_id: string;
  smallcase_auth_id: string;
  broker: string | null;
  linked_at: StoredTime;
  updated_at: StoredTime;
}

export interface TransactionRow {
  transaction_id: string;
  partner_user_id: string;
  intent: string;
  status: string;
  smallcase_auth_id: string | null;
  broker: string | null;
  created_at: StoredTime;
  expire_at: StoredTime | null;
  updated_at: StoredTime;
}

export function linkFromRow(row: LinkRow): Link {
  return {
    partnerUserId: row.partner_user_id,
    smallcaseAuthId: row.smallcase_auth_id,
    broker: row.broker,
    linkedAt: new Date(row.linked_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function transactionFromRow(row: TransactionRow): TransactionRecord {
  return {
    transactionId: row.transaction_id,
    partnerUserId: row.partner_user_id,
    intent: row.intent,
    status: row.status,
    smallcaseAuthId: row.smallcase_auth_id,
    broker: row.broker,
    createdAt: new Date(row.created_at),
    expireAt: row.expire_at === null ? null : new Date(row.expire_at),
    updatedAt: new Date(row.updated_at),
  };
}
