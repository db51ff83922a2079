import { resolve } from 'node:path';
import type { LoadedConfig } from './config-types.js';
import { readDotenvFile, withDevelopmentDotenv } from './development-dotenv.js';
import {
  DEVELOPMENT_SECRET_NAMES,
  DEVELOPMENT_SECRETS_PATH,
  DevelopmentSecretsError,
  loadOrCreateDevelopmentSecrets,
  unsetDevelopmentSecrets,
} from './development-secrets.js';
import { ConfigError, loadConfig } from './load-config.js';

/** Something start-up should log once the logger exists (the config decides its level). */
export interface StartupNotice {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * What `npm start` reads before it can log: the real environment, a development `.env` and the
 * development secrets kept in `./data/dev-secrets.json` (created on first use), handed to the
 * pure `loadConfig`. Throws {@link ConfigError} with one line per problem.
 */
export function readStartupConfig(
  processEnv: NodeJS.ProcessEnv,
  files: { dotenvText?: string | undefined; secretsPath?: string } = {},
): LoadedConfig & { notices: StartupNotice[] } {
  const dotenvText = 'dotenvText' in files ? files.dotenvText : readDotenvFile();
  const { env, problems, ignored } = withDevelopmentDotenv(processEnv, dotenvText);
  if (problems.length > 0) throw new ConfigError(problems);
  const notices: StartupNotice[] = [];
  if (ignored) {
    notices.push({
      level: 'warn',
      message:
        '.env: ignored because NODE_ENV=production; a production service reads only its real environment (and *_FILE secrets)',
    });
  }
  const secretsPath = files.secretsPath ?? DEVELOPMENT_SECRETS_PATH;
  let persisted: Record<string, string> = {};
  let created = false;
  if (unsetDevelopmentSecrets(env).length > 0) {
    try {
      ({ secrets: persisted, created } = loadOrCreateDevelopmentSecrets(secretsPath));
    } catch (error) {
      if (error instanceof DevelopmentSecretsError) throw new ConfigError([error.message]);
      throw error;
    }
  }
  const loaded = loadConfig(env, undefined, persisted);
  const kept = loaded.config.developmentDefaults.filter((name) =>
    (DEVELOPMENT_SECRET_NAMES as readonly string[]).includes(name),
  );
  if (kept.length > 0 && Object.keys(persisted).length > 0) {
    notices.push({
      level: 'info',
      message: `development secrets ${created ? 'generated and saved in' : 'read from'} ${resolve(secretsPath)} (mode 600; kept between starts, also used by npm run emulator and npm run webhook:send; delete the file for new ones)`,
      fields: { variables: kept, file: resolve(secretsPath) },
    });
  }
  return { ...loaded, notices };
}
