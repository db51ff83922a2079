import { capturedLogLines } from './log-capture.js';

export interface LoggedRefusal {
  readonly reason: string;
  readonly detail: string;
  readonly level: string;
  /** The raw log line, to check what it must not contain. */
  readonly line: string;
}

/** The `partner session refused` log line of the request with this id, if one was written. */
export function loggedRefusal(requestId: unknown): LoggedRefusal | undefined {
  const line = capturedLogLines().find(
    (candidate) =>
      candidate.includes(`"reqId":"${String(requestId)}"`) && candidate.includes('"partner session refused"'),
  );
  if (line === undefined) return undefined;
  const entry = JSON.parse(line) as { reason: string; detail: string; level: string };
  return { reason: entry.reason, detail: entry.detail, level: entry.level, line };
}
