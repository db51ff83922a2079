import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server for tests; unset means PostgreSQL tests are skipped. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Skip reason for `describe`/`it` options, shown by the test reporter. */
export const SKIP_WITHOUT_POSTGRES: string | false = TEST_DATABASE_URL
  ? false
  : 'TEST_DATABASE_URL is not set: PostgreSQL tests skipped';

/** A schema name nobody else uses; the store creates it, `dropTestSchema` removes it. */
export function freshSchemaName(): string {
  return `gts_test_${randomBytes(6).toString('hex')}`;
}

export async function dropTestSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
