import { accessSync, constants, type Stats, statSync } from 'node:fs';
import type { SqliteDatabase } from './sqlite-database.js';

const WRITE_BITS = 0o222;

/**
 * The SQLite half of `Store.checkWritable`. An open connection keeps writing to a file that was
 * deleted or replaced (it holds the old inode) and to one made read-only (permissions are checked
 * at open), and a root process ignores permission bits: so the file at `path` must still be the
 * one opened and carry a write bit, and then a real write must commit (a full disk fails here).
 * Throws a plain error; the caller turns it into `StoreUnavailableError`.
 */
export function createSqliteWriteProbe(db: SqliteDatabase, path: string): () => void {
  const opened = path === ':memory:' ? undefined : statSync(path);
  const write = db.prepare(
    `INSERT INTO store_write_probe (id, checked_at) VALUES (1, ?)
     ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`,
  );
  return () => {
    if (opened) checkSameWritableFile(path, opened);
    write.run(new Date().toISOString());
  };
}

function checkSameWritableFile(path: string, opened: Stats): void {
  const current = statSync(path, { throwIfNoEntry: false });
  if (current === undefined || current.ino !== opened.ino || current.dev !== opened.dev) {
    throw new Error('the SQLite database file was deleted or replaced since it was opened');
  }
  if ((current.mode & WRITE_BITS) === 0) throw new Error('the SQLite database file is read-only');
  accessSync(path, constants.W_OK);
}
