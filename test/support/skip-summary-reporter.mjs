// Plain JavaScript: node loads --test-reporter modules before tsx's loader is in place.
import { Readable } from 'node:stream';
import { spec } from 'node:test/reporters';

/**
 * `npm test`'s reporter: node's spec reporter, plus one closing line when whole suites were
 * skipped. node:test runs no part of a skipped `describe`, so its summary counts the tests inside
 * as neither run nor skipped ("skipped 0" while every PostgreSQL test was left out); this line
 * says how many suites were left out and why (their skip reasons name the missing variable).
 *
 * @param {AsyncIterable<{ type: string, data: { skip?: string | boolean, details?: { type?: string } } }>} source
 */
export default async function* skipSummaryReporter(source) {
  /** @type {Map<string, number>} */
  const reasons = new Map();
  async function* observe() {
    for await (const event of source) {
      if (
        event.type === 'test:pass' &&
        event.data.skip !== undefined &&
        event.data.details?.type === 'suite'
      ) {
        const reason = typeof event.data.skip === 'string' ? event.data.skip : 'skipped';
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
      yield event;
    }
  }
  for await (const chunk of Readable.from(observe()).pipe(new spec())) yield String(chunk);
  const suites = [...reasons.values()].reduce((sum, count) => sum + count, 0);
  if (suites === 0) return;
  const why = [...reasons].map(([reason, count]) => `${reason} (${count})`).join('; ');
  yield `ℹ skipped suites ${suites}: their tests did not run and are not in the counts above: ${why}\n`;
}
