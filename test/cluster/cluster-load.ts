export interface LoadOutcome {
  readonly index: number;
  readonly target: string;
  /** HTTP status, or undefined when the request failed in transport. */
  readonly status: number | undefined;
  readonly error?: string;
  /** Sent after the mid-way action had finished. */
  readonly afterAction: boolean;
}

export interface LoadReport {
  readonly outcomes: readonly LoadOutcome[];
  /** Whether the time bound stopped the load before `total` requests. */
  readonly stoppedByTimeBound: boolean;
}

/**
 * Sends `total` requests from `concurrency` workers, stopping early at `timeBoundMs`. Once
 * `midway.after` requests have completed, `midway.action` runs alongside the load, once.
 */
export async function driveLoad(options: {
  total: number;
  concurrency: number;
  timeBoundMs: number;
  send(index: number): { target: string; response: Promise<number> };
  midway: { after: number; action: () => Promise<unknown> };
}): Promise<LoadReport> {
  const outcomes: LoadOutcome[] = [];
  const deadline = Date.now() + options.timeBoundMs;
  let next = 0;
  let actionDone = false;
  let action: Promise<unknown> | undefined;

  async function worker(): Promise<void> {
    while (next < options.total && Date.now() < deadline) {
      const index = next;
      next += 1;
      const afterAction = actionDone;
      const { target, response } = options.send(index);
      try {
        outcomes.push({ index, target, status: await response, afterAction });
      } catch (error) {
        outcomes.push({ index, target, status: undefined, error: (error as Error).message, afterAction });
      }
      if (outcomes.length >= options.midway.after && action === undefined) {
        action = options.midway.action().finally(() => {
          actionDone = true;
        });
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  await action;
  return { outcomes, stoppedByTimeBound: next < options.total };
}
