import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';

/** The text of `./.env`, or undefined when there is none. */
export function readDotenvFile(path = '.env'): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * `.env` is a development convenience: it fills in what the real environment lacks, is ignored
 * when the real environment says production (`ignored` then says a file was there, so that
 * start-up can tell), and can never itself switch the service into production (that would give
 * a file on disk the power to change what start-up refuses).
 */
export function withDevelopmentDotenv(
  env: NodeJS.ProcessEnv,
  dotenvText: string | undefined,
): { env: NodeJS.ProcessEnv; problems: string[]; ignored: boolean } {
  if (dotenvText === undefined) return { env, problems: [], ignored: false };
  if (env.NODE_ENV === 'production') return { env, problems: [], ignored: true };
  const fromFile = parse(dotenvText);
  if (fromFile.NODE_ENV === 'production') {
    return {
      env,
      problems: ['NODE_ENV: production must be set in the real environment, not in .env'],
      ignored: false,
    };
  }
  return { env: { ...fromFile, ...env }, problems: [], ignored: false };
}
