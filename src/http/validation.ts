import type { z } from 'zod';
import { InvalidRequestError } from '../errors/app-errors.js';

/** Parses request input with a schema; the 400 names the first offending field. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  where: 'body' | 'query' | 'path',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
  throw new InvalidRequestError(`${field}: ${issue?.message ?? 'invalid'}`);
}
