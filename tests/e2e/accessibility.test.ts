/**
 * axe-core on the screens that need no team (and the onboarding ones), light and dark, in real
 * Chromium against the production build: zero serious or critical violations, and every
 * control at least 44 px for a finger on a touch screen, at a phone's and a tablet's width too.
 * The patch workflow's screens are checked in workflow.test.ts, with a team and bundles.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, seriousViolations, smallTouchTargets } from './accessibility.ts';
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

  it('the helper reports a serious violation (an image with no text) and a skipped heading level', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}#/inbox`);
    await page.getByTestId('inbox-empty').waitFor();
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      const skipped = document.createElement('h4'); // straight under the page's h1
      skipped.textContent = 'Details';
      document.querySelector('main')?.append(image, skipped);
    });
    const found = await seriousViolations(page);
    expect(found.map((v) => v.id)).toContain('image-alt');
    expect(found.map((v) => v.id)).toContain('heading-order');
    await page.close();
  });

  it('the touch check reports a control under 44 px, not a link inside a sentence', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}#/inbox`);
    await page.getByTestId('inbox-empty').waitFor();
    expect(await smallTouchTargets(page)).toEqual([]);
    await page.evaluate(() => {
      const main = document.querySelector('main');
      const tiny = document.createElement('button');
      tiny.textContent = 'x';
      tiny.style.cssText = 'width: 30px; height: 30px; min-height: 0; padding: 0';
      const sentence = document.createElement('p');
      sentence.innerHTML = 'Read <a href="#/settings">the settings</a> first.';
      main?.append(tiny, sentence);
    });
    expect(await smallTouchTargets(page)).toEqual([{ what: 'button x', width: 30, height: 30 }]);
    // Measured with the touch screen's rules in force, and those taken off again afterwards.
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(false);
    await page.close();
  });

  describe.each([390, 768])('%i px wide', (width) => {
    it.each(SCREENS)('%s: every control is a finger’s size', async (name, route, ready) => {
      const page = browser.page;
      const viewport = page.viewportSize();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.url}${route}`);
      await ready(page);
      expect(await smallTouchTargets(page), `${name} at ${width} px`).toEqual([]);
      if (viewport !== null) await page.setViewportSize(viewport);
    });
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
