import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
// Without the networking flags, Chromium's own background connections are refused by a closed network.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Chromium from CHROMIUM_PATH, else the first of the usual names on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of CANDIDATES) {
    for (const dir of dirs) if (executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export const CHROMIUM_PATH = findChromium();
const REQUIRED = process.env.REQUIRE_BROWSER_TESTS === '1';

/**
 * The skip reason for the browser suite: none when Chromium is there, and none when
 * REQUIRE_BROWSER_TESTS=1 (CI), where a missing Chromium fails the suite instead.
 */
export const BROWSER_SKIP: string | false =
  CHROMIUM_PATH || REQUIRED
    ? false
    : 'Chromium not found: install Debian package "chromium" (apt-get install -y chromium) or set CHROMIUM_PATH';

/** Headless Chromium; Playwright gives it a fresh temporary profile (user-data-dir). */
export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH) {
    throw new Error(
      'REQUIRE_BROWSER_TESTS=1 but Chromium was not found: apt-get install -y chromium, or set CHROMIUM_PATH',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
