/**
 * axe-core on the screens that need no team (and the onboarding ones), light and dark, in real
 * Chromium against the production build: zero serious or critical violations. The patch
 * workflow's screens are checked in workflow.test.ts, with a team and bundles.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, seriousViolations } from './accessibility.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const SECRET = 'AAAAAAAAAAAAAAAAAAAAAA';
const LEDGER = `sha256:${'ab'.repeat(32)}`;

/** Each screen: its route and what shows it has rendered. */
const SCREENS: [string, string, (page: Page) => Promise<unknown>][] = [
  ['inbox (empty)', '#/inbox', (p) => p.getByTestId('inbox-empty').waitFor()],
  ['team (onboarding)', '#/team', (p) => p.getByTestId('onboarding').waitFor()],
  [
    'ledger (no team)',
    '#/ledger',
    (p) => p.getByRole('heading', { level: 1, name: 'Ledger' }).waitFor(),
  ],
  ['peers', '#/peers', (p) => p.getByRole('heading', { level: 1 }).waitFor()],
  ['settings', '#/settings', (p) => p.getByTestId('device-identity').waitFor()],
  [
    'join (an invitation)',
    `#/join?ledger=${LEDGER}&secret=${SECRET}&name=Plant`,
    (p) => p.getByTestId('invitation').waitFor(),
  ],
  ['not found', '#/no-such-page', (p) => p.getByRole('heading', { level: 1 }).waitFor()],
];

describeBrowser('accessibility of every screen without a team (axe-core, Chromium)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let errors: string[];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    errors = collectPageErrors(browser.page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the helper reports a serious violation when there is one (an image with no text)', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}#/inbox`);
    await page.getByTestId('inbox-empty').waitFor();
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      document.querySelector('main')?.append(image);
    });
    const found = await seriousViolations(page);
    expect(found.map((v) => v.id)).toContain('image-alt');
    await page.close();
  });

  describe.each(['light', 'dark'] as const)('%s', (scheme) => {
    it.each(SCREENS)('%s has no serious or critical violations', async (name, route, ready) => {
      const page = browser.page;
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${server.url}${route}`);
      await ready(page);
      await expectAccessible(page, `${name}, ${scheme}`);
      expect(errors).toEqual([]);
    });
  });
});
