import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { rememberToken } from '../support/log-capture.js';
import { runScenario, type Scenario } from './browser-scenario.js';
import { BROWSER_SKIP, launchChromium } from './chromium.js';
import { type FrontendStack, startFrontendStack } from './frontend-stack.js';

const PHONE = { width: 390, height: 844 };

async function openDemo(page: Page, stack: FrontendStack): Promise<void> {
  await page.goto(stack.demoUrl);
  await page.locator('body[data-ready="true"]').waitFor();
}

async function logIn(page: Page, userId: string): Promise<void> {
  await page.getByLabel('User id').fill(userId);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('Guest: no broker linked').waitFor();
}

const picker = (page: Page) => page.frameLocator('iframe[title="smallcase: choose your broker"]');

/** Tokens the page received from `/auth-token`, and the ones it handed to the SDK's session check. */
function watchTokens(page: Page) {
  const minted: string[] = [];
  const givenToSdk: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().endsWith('/auth-token') || !response.ok()) return;
    const token = ((await response.json()) as { smallcaseAuthToken: string }).smallcaseAuthToken;
    rememberToken(token);
    minted.push(token);
  });
  page.on('request', (request: Request) => {
    if (request.url().endsWith('/__emulator/sdk/session')) {
      givenToSdk.push((request.postDataJSON() as { smallcaseAuthToken: string }).smallcaseAuthToken);
    }
  });
  return { minted, givenToSdk };
}

function assertNoConsoleErrors(scenario: Scenario): void {
  assert.deepEqual(scenario.consoleErrors, [], 'no console error on the demo page or the picker');
}

describe('the partner frontend in a real browser', { skip: BROWSER_SKIP }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());

  describe('bearer session mode', () => {
    let stack: FrontendStack;
    before(async () => {
      stack = await startFrontendStack();
    });
    after(() => stack.close());

    it('a new user logs in, connects a broker in the picker, sees holdings, buys a stock and unlinks', async () => {
      await runScenario(browser, 'journey', async (scenario) => {
        const { page } = scenario;
        const authorizations: string[] = [];
        page.on('request', (request) => {
          const url = request.url();
          if (
            url.startsWith(stack.serviceUrl) &&
            !url.includes('/dev/session') &&
            url.includes('/auth-token')
          ) {
            authorizations.push(request.headers().authorization ?? '');
          }
        });
        await openDemo(page, stack);
        await scenario.state('opened');
        await logIn(page, 'journey-user');
        assert.match((await page.locator('#token-expiry').textContent()) ?? '', /\d{2}:\d{2}:\d{2}/);
        await scenario.state('guest');

        await page.getByRole('button', { name: 'Connect broker' }).click();
        await picker(page).getByRole('radio', { name: 'Upstox' }).check();
        await scenario.state('picker');
        await picker(page).getByRole('button', { name: 'Log in and continue' }).click();
        await page.getByText('Broker upstox connected.').waitFor();
        await page.getByText('Connected: broker linked').waitFor();
        const holdings = page.getByRole('table', { name: 'Holdings at upstox' });
        await holdings.getByRole('row', { name: /Infosys Ltd INFY 12/ }).waitFor();
        await scenario.state('connected');

        await page.getByLabel('NSE ticker').fill('TCS');
        await page.getByLabel('Quantity').fill('2');
        await page.getByRole('button', { name: 'Place order' }).click();
        await picker(page).getByText('Buy 2 × TCS').waitFor();
        await picker(page).getByRole('button', { name: 'Log in and continue' }).click();
        await page.getByText('Order for 2 × TCS: COMPLETED.').waitFor();
        await scenario.state('ordered');

        await page.getByRole('button', { name: 'Unlink broker' }).click();
        await page.getByText('Broker unlinked. You are a guest again.').waitFor();
        assert.equal(await page.getByRole('table').isVisible(), false);
        await scenario.state('unlinked');
        assert.ok(authorizations.length > 0);
        for (const value of authorizations)
          assert.match(value, /^Bearer ey/, 'the session goes as a bearer token');
        assertNoConsoleErrors(scenario);
      });
    });

    const outcomes = [
      { outcome: 'complete', shown: 'Broker kite connected.', role: 'status' },
      { outcome: 'cancel', shown: 'You closed the broker window before finishing.', role: 'alert' },
      { outcome: 'expire', shown: 'The broker session timed out.', role: 'alert' },
      { outcome: 'error', shown: 'smallcase could not complete the request.', role: 'alert' },
    ] as const;
    for (const { outcome, shown, role } of outcomes) {
      it(`an SDK flow that ends with "${outcome}" is shown as: ${shown}`, async () => {
        await runScenario(browser, `outcome-${outcome}`, async (scenario) => {
          const { page } = scenario;
          await openDemo(page, stack);
          await logIn(page, `outcome-${outcome}`);
          await stack.nextOutcome({ outcome });
          await page.getByRole('button', { name: 'Connect broker' }).click();
          await page.getByRole(role).getByText(shown).waitFor();
          await scenario.state(outcome);
          const connected = outcome === 'complete';
          await page.getByText(connected ? 'Connected: broker linked' : 'Guest: no broker linked').waitFor();
          if (!connected) await page.getByRole('button', { name: 'Connect broker' }).waitFor();
          assertNoConsoleErrors(scenario);
        });
      });
    }

    it('the person can close the picker with the keyboard, and the page says nothing changed', async () => {
      await runScenario(
        browser,
        'picker-escape',
        async (scenario) => {
          const { page } = scenario;
          await openDemo(page, stack);
          await logIn(page, 'keyboard-user');
          await page.getByRole('button', { name: 'Connect broker' }).focus();
          await page.keyboard.press('Enter');
          await picker(page).getByRole('radio', { name: 'Zerodha Kite' }).waitFor();
          await scenario.state('picker-on-phone');
          await page.keyboard.press('Escape');
          await page.getByRole('alert').getByText('Nothing was changed.', { exact: false }).waitFor();
          assert.match((await page.getByRole('alert').textContent()) ?? '', /user_cancelled, 1010/);
          assertNoConsoleErrors(scenario);
        },
        { viewport: PHONE },
      );
    });

    it('a page on an origin outside CORS_ORIGINS cannot read any route, nor import the client', async () => {
      const outsider = await serveBlankPage();
      try {
        await runScenario(browser, 'outsider', async ({ page }) => {
          const session = stack.testApp.session('outsider-victim');
          const openapi = (await (await fetch(`${stack.serviceUrl}/openapi.json`)).json()) as {
            paths: Record<string, Record<string, unknown>>;
          };
          const calls = Object.entries(openapi.paths).flatMap(([path, item]) =>
            Object.keys(item)
              .filter((method) => ['get', 'post', 'delete'].includes(method))
              .map((method) => ({ method: method.toUpperCase(), path: concretePath(path) })),
          );
          assert.ok(calls.length >= 10, 'every documented route is probed');
          await page.goto(outsider.url);
          // A string, not a function: the test runner's transpiler would add helpers the page lacks.
          const results = (await page.evaluate(outsiderProbe(stack.serviceUrl, calls, session))) as {
            imported: string;
            reads: string[];
          };
          assert.equal(results.imported, 'blocked');
          for (const line of results.reads) assert.match(line, /: blocked$/, line);
        });
      } finally {
        await outsider.close();
      }
    });
  });

  describe('cookie session mode (PARTNER_SESSION_COOKIE)', () => {
    let stack: FrontendStack;
    before(async () => {
      stack = await startFrontendStack({ sessionCookie: '__Host-partner_session' });
    });
    after(() => stack.close());

    it('logs in with an HttpOnly __Host- cookie and never sends a bearer token', async () => {
      await runScenario(browser, 'cookie-mode', async (scenario) => {
        const { page, context } = scenario;
        const bearerSent: string[] = [];
        page.on('request', (request) => {
          if (request.url().startsWith(stack.serviceUrl) && request.headers().authorization) {
            bearerSent.push(request.url());
          }
        });
        await openDemo(page, stack);
        await page.getByText('cookie mode', { exact: false }).waitFor();
        await logIn(page, 'cookie-user');
        const [cookie] = (await context.cookies(stack.serviceUrl)).filter(
          (c) => c.name === '__Host-partner_session',
        );
        assert.ok(cookie, 'the session cookie is set for the service');
        rememberToken(cookie.value);
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.secure, true);
        assert.equal(cookie.sameSite, 'Strict');
        assert.equal(cookie.path, '/');
        assert.equal(await page.evaluate('document.cookie'), '', 'the page cannot read it');
        await stack.nextOutcome({ outcome: 'complete', broker: 'groww' });
        await page.getByRole('button', { name: 'Connect broker' }).click();
        await page.getByText('Broker groww connected.').waitFor();
        await page.getByRole('table', { name: 'Holdings at groww' }).waitFor();
        await scenario.state('connected');
        await page.getByRole('button', { name: 'Unlink broker' }).click();
        await page.getByText('Guest: no broker linked').waitFor();
        assert.deepEqual(bearerSent, []);
        assertNoConsoleErrors(scenario);
      });
    });
  });

  describe('token refresh (AUTH_TOKEN_TTL_SECONDS=120)', () => {
    let stack: FrontendStack;
    before(async () => {
      stack = await startFrontendStack({ tokenTtlSeconds: 120 });
    });
    after(() => stack.close());

    it('a token that went stale while the page sat idle is replaced before the SDK gets it', async () => {
      await runScenario(browser, 'refresh-idle', async (scenario) => {
        const { page } = scenario;
        const tokens = watchTokens(page);
        await page.clock.install();
        await openDemo(page, stack);
        await logIn(page, 'idle-user');
        assert.equal(tokens.minted.length, 1);
        // 90 s on: 30 s of life left, inside the client's 60 s margin.
        await page.clock.fastForward(90_000);
        await stack.nextOutcome({ outcome: 'complete' });
        await page.getByRole('button', { name: 'Connect broker' }).click();
        await page.getByText('Broker kite connected.').waitFor();
        assert.ok(tokens.minted.length >= 2, 'a new token was fetched');
        assert.equal(tokens.givenToSdk[0], tokens.minted[1], 'the SDK got the new token, not the stale one');
        assertNoConsoleErrors(scenario);
      });
    });
  });

  describe('token refresh when the SDK reports invalid_jwt (AUTH_TOKEN_TTL_SECONDS=180)', () => {
    let stack: FrontendStack;
    before(async () => {
      stack = await startFrontendStack({ tokenTtlSeconds: 180 });
    });
    after(() => stack.close());

    it('a token the Gateway finds expired (the device clock is behind) is refreshed once and the flow goes on', async () => {
      await runScenario(browser, 'refresh-invalid-jwt', async (scenario) => {
        const { page } = scenario;
        const tokens = watchTokens(page);
        await openDemo(page, stack);
        await logIn(page, 'skewed-user');
        // The Gateway's clock (and the service's) run 200 s ahead of the device's: the page still
        // trusts its token for 120 s, the Gateway sees it expired 20 s ago.
        stack.skewServerClocks(200_000);
        await stack.nextOutcome({ outcome: 'complete' });
        await page.getByRole('button', { name: 'Connect broker' }).click();
        await page.getByText('Broker kite connected.').waitFor();
        assert.equal(tokens.givenToSdk[0], tokens.minted[0], 'first the cached token');
        assert.equal(tokens.givenToSdk[1], tokens.minted[1], 'then the refreshed one');
        assertNoConsoleErrors(scenario);
      });
    });
  });
});

/** Page script: tries to read every route and to import the client; says which attempts got through. */
function outsiderProbe(
  base: string,
  calls: Array<{ method: string; path: string }>,
  session: string,
): string {
  return `(async () => {
    const base = ${JSON.stringify(base)};
    const read = async (method, path) => {
      try {
        const response = await fetch(base + path, {
          method,
          credentials: 'include',
          headers: { authorization: 'Bearer ' + ${JSON.stringify(session)}, 'content-type': 'application/json' },
          body: method === 'POST' ? '{}' : undefined,
        });
        return 'read ' + response.status;
      } catch {
        return 'blocked';
      }
    };
    const imported = await import(base + '/client/gateway-token-client.js').then(() => 'imported', () => 'blocked');
    const calls = ${JSON.stringify(calls)};
    const reads = await Promise.all(calls.map(async (c) => c.method + ' ' + c.path + ': ' + (await read(c.method, c.path))));
    return { imported, reads };
  })()`;
}

/** A route path with its parameters filled in (`{transactionId}`, `{path}`). */
function concretePath(path: string): string {
  return path
    .replace('{transactionId}', 'TRX_0123456789abcdef0123456789abcdef')
    .replace('{path}', 'smallcases');
}

async function serveBlankPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      '<!doctype html><title>Another site</title><link rel="icon" href="data:,"><p>Not a partner page.</p>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
