import { Writable } from 'node:stream';
import { after } from 'node:test';
import { CANARY_VALUES } from './canaries.js';

const lines: string[] = [];
const tokensSeen = new Set<string>();

/** A pino destination that keeps every line in memory for the end-of-file secret check. */
export function createLogCapture(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(line);
      callback();
    },
  });
}

export function capturedLogLines(): readonly string[] {
  return lines;
}

/** Registers a whole token a test saw in a response; no log line may contain it. */
export function rememberToken(token: string): void {
  if (token) tokensSeen.add(token);
}

export function findLeaks(): string[] {
  const leaks: string[] = [];
  for (const line of lines) {
    for (const secret of CANARY_VALUES)
      if (line.includes(secret)) leaks.push(`secret in log: ${line.slice(0, 200)}`);
    for (const token of tokensSeen)
      if (line.includes(token)) leaks.push(`token in log: ${line.slice(0, 200)}`);
  }
  return leaks;
}

after(() => {
  const leaks = findLeaks();
  if (leaks.length > 0) throw new Error(`log leak check failed:\n${leaks.join('\n')}`);
});
