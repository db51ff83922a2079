import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

const RESULTS_DIR = join(process.cwd(), 'test-results', 'browser');

export interface Scenario {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught exceptions seen on any page or frame of the context so far. */
  readonly consoleErrors: string[];
  /** Records a screenshot of the page as `label`; written to test-results/ only if the scenario fails. */
  state(label: string): Promise<void>;
}

/**
 * Runs `body` in a fresh browser context. When it fails, the screenshots of every recorded state
 * plus the final one are saved under test-results/browser/<name>/.
 */
export async function runScenario(
  browser: Browser,
  name: string,
  body: (scenario: Scenario) => Promise<void>,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<void> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1000, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  };
  page.on('console', onConsole);
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  const shots: Array<{ label: string; png: Buffer }> = [];
  const scenario: Scenario = {
    context,
    page,
    consoleErrors,
    async state(label) {
      shots.push({ label, png: await page.screenshot({ fullPage: true }) });
    },
  };
  try {
    await body(scenario);
  } catch (error) {
    await scenario.state('at-failure').catch(() => {});
    const dir = join(RESULTS_DIR, name.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 80));
    mkdirSync(dir, { recursive: true });
    for (const [index, shot] of shots.entries()) {
      writeFileSync(join(dir, `${String(index + 1).padStart(2, '0')}-${shot.label}.png`), shot.png);
    }
    throw error;
  } finally {
    await context.close();
  }
}
