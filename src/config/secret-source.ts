import { readFileSync } from 'node:fs';

export type FileReader = (path: string) => string;

export const readSecretFile: FileReader = (path) => readFileSync(path, 'utf8');

/**
 * Reads `NAME` or `NAME_FILE` (never both). Returns undefined when neither is set, and
 * records a problem naming the variable, never the value, when something is wrong.
 */
export function readSecret(
  env: NodeJS.ProcessEnv,
  name: string,
  readFile: FileReader,
  problems: string[],
): string | undefined {
  const direct = env[name];
  const filePath = env[`${name}_FILE`];
  if (direct !== undefined && filePath !== undefined) {
    problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
    return undefined;
  }
  if (filePath === undefined) return direct;
  try {
    return readFile(filePath).replace(/\r?\n$/, '');
  } catch {
    problems.push(`${name}_FILE: cannot read the file it names`);
    return undefined;
  }
}
