import type { Logger } from '../observability/logger.js';

const FLUSH_TIMEOUT_MS = 1000;

/**
 * After an uncaught exception or an unhandled rejection the process state is unknown: log the
 * first one once, as `fatal`, flush the log and exit non-zero so the orchestrator restarts a
 * clean process. Later failures during that flush are not logged again.
 */
export function exitOnUnexpectedFailure(options: { logger: Logger; exit: (code: number) => void }): void {
  let exiting = false;
  const fail = (message: string) => (error: unknown) => {
    if (exiting) return;
    exiting = true;
    options.logger.fatal({ err: error }, message);
    const exit = () => options.exit(1);
    setTimeout(exit, FLUSH_TIMEOUT_MS);
    options.logger.flush(exit);
  };
  process.on('uncaughtException', fail('uncaught exception: exiting'));
  process.on('unhandledRejection', fail('unhandled promise rejection: exiting'));
}
