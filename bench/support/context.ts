import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchSecrets, signPartnerSession } from './fixtures.js';
import { type BenchUser, linkInSqlite } from './prepare.js';
import { planCores } from './processes.js';
import type { BenchContext, BenchSettings } from './scenario.js';

/** A temp directory, fresh secrets, and one linked user in a new SQLite file. */
export async function createBenchContext(settings: BenchSettings): Promise<BenchContext> {
  const workDir = mkdtempSync(join(tmpdir(), 'gts-bench-'));
  const suffix = Date.now().toString(36);
  const user: BenchUser = { partnerUserId: `bench-user-${suffix}`, smallcaseAuthId: `bench-sc-${suffix}` };
  const secrets = createBenchSecrets();
  const context: BenchContext = {
    workDir,
    secrets,
    cores: planCores(),
    settings,
    sqlitePath: join(workDir, 'bench.db'),
    user,
    sessionToken: signPartnerSession(secrets, user.partnerUserId),
  };
  await linkInSqlite(context.sqlitePath, user);
  return context;
}
