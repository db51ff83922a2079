import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Prints `message` and the usage on stderr and exits 2, the usage-error code of our commands. */
export function exitWithUsage(message: string, usage: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

/** The command's `--options` (strict: an unknown or incomplete one is a usage error). */
export function readArgs<const O extends NonNullable<ParseArgsConfig['options']>>(options: O, usage: string) {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (error) {
    return exitWithUsage((error as Error).message, usage);
  }
}
