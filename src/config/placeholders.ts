import type { Context } from './config-context.js';

/**
 * How every placeholder in `.env.example`, `deploy/production.env.example` and the Kubernetes
 * Secret template starts. Those files are public, so a value still matching this is known to
 * everyone: production refuses it.
 */
export const PLACEHOLDER_PATTERN = /^replace[-_]with[-_]/i;

/** Refuses, in production, any of `values` (by variable name) still holding a template placeholder. */
export function refusePlaceholders(ctx: Context, values: Readonly<Record<string, string | undefined>>): void {
  if (!ctx.production) return;
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && PLACEHOLDER_PATTERN.test(value.trim())) {
      ctx.problems.push(`${name}: still the placeholder from the example file; set the real value`);
    }
  }
}
