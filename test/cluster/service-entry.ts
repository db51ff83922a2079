import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How the instances are started: the built `dist/main.js`, or the sources through tsx. */
export interface ServiceEntry {
  readonly kind: 'built' | 'source';
  /** Node arguments: loader flags and the absolute script path (children run in a temp directory). */
  readonly args: readonly string[];
  readonly reason: string;
}

function mtimes(dir: string, extension: string): number[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension))
    .map((file) => statSync(join(dir, file)).mtimeMs);
}

/** Why `dist/` cannot be trusted to be the current sources, or undefined when it can. */
function staleness(): string | undefined {
  const dist = join(REPO_ROOT, 'dist');
  if (!existsSync(join(dist, 'main.js'))) return 'dist/main.js is missing';
  const newestSource = Math.max(...mtimes(join(REPO_ROOT, 'src'), '.ts'));
  const oldestBuilt = Math.min(...mtimes(dist, '.js'));
  return newestSource > oldestBuilt ? 'src/ changed after the last build' : undefined;
}

/**
 * The built service when `dist/` is newer than every source file (CI builds before testing, and
 * `npm run test:cluster` builds first); otherwise the same sources through tsx, because building
 * inside a test takes about 20 s here and `npm run build` deletes `dist/` under anyone using it.
 */
export function serviceEntry(): ServiceEntry {
  const stale = staleness();
  if (stale === undefined) {
    return { kind: 'built', args: [join(REPO_ROOT, 'dist', 'main.js')], reason: 'dist/ is up to date' };
  }
  return {
    kind: 'source',
    args: ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'src', 'main.ts')],
    reason: `${stale}: running src/main.ts through tsx (npm run test:cluster builds first)`,
  };
}
