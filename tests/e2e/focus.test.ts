/**
 * Where keyboard focus goes, in real Chromium against the production build: the skip link
 * moves it into the page, a new screen gives it to the screen's heading (and names the window
 * after the screen), and content that replaces what held it (founding a team) does not drop it
 * to <body>, where a keyboard user starts again from the top. In forced colours (Windows
 * high contrast), only the chosen tab is underlined.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { expectFocused } from './accessibility.ts';
import { nameDevice } from './app-steps.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  withoutSignaling,
  type WebServer,
} from './browser.ts';

const focusedText = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    return e === null || e === document.body ? '<body>' : `${e.tagName}: ${e.textContent ?? ''}`;
  });

describeBrowser('keyboard focus across screens (Chromium)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    page = browser.page;
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    // The app looks for its room on its own; this static server has no signaling to answer.
    expect(withoutSignaling(errors)).toEqual([]);
  });

  it('skips to the content: focus on <main>, the route kept, the next Tab in the page', async () => {
    await page.goto(`${server.url}#/settings`);
    await page.getByTestId('device-identity').waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('A: Skip to content');
    await page.keyboard.press('Enter');
    await expectFocused(page.locator('main#main'));
    expect(new URL(page.url()).hash).toBe('#/settings');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement)),
    ).toBe(true);
  });

  it('gives a new screen’s heading the focus and names the window after the screen', async () => {
    expect(await page.title()).toBe('Settings · patchtrail');
    const link = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Peers' });
    await link.focus();
    await page.keyboard.press('Enter');
    await expectFocused(page.getByRole('heading', { level: 1, name: 'Peers' }));
    expect(await page.title()).toBe('Peers · patchtrail');
  });

  it('keeps focus in the page when the form that had it is replaced (founding a team)', async () => {
    await page.goto(`${server.url}#/team`);
    await page.getByTestId('onboarding').waitFor();
    await nameDevice(page, 'Admin laptop');
    await page.getByLabel('Team name').fill('Plant 9');
    await page.getByLabel('Team name').press('Enter');
    await page.getByTestId('team-title').waitFor();
    await expectFocused(page.getByRole('heading', { level: 1, name: 'Team' }));
  });

  it('keeps focus in the page without scrolling it when a row that had it leaves as the page is scrolled', async () => {
    await page.goto(`${server.url}#/team`);
    await page.getByTestId('team-title').waitFor();
    // A row of a long list (a virtual list drops rows scrolled out of view), focused, then gone.
    const where = await page.evaluate(async () => {
      const main = document.querySelector('main') as HTMLElement;
      const tall = document.createElement('div');
      tall.style.height = '4000px';
      const row = document.createElement('button');
      row.textContent = 'a row';
      tall.append(row);
      main.append(tall);
      row.focus();
      window.scrollTo(0, 2500);
      row.remove();
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
      const at = { y: window.scrollY, focused: document.activeElement?.tagName };
      tall.remove();
      return at;
    });
    expect(where).toEqual({ y: 2500, focused: 'H1' });
  });

  it('underlines only the chosen tab in forced colours', async () => {
    await page.goto(`${server.url}#/ledger`);
    const tabs = page.getByRole('tab');
    await tabs.first().waitFor();
    await page.emulateMedia({ forcedColors: 'active' });
    const underlines = await tabs.evaluateAll((all) =>
      all.map((tab) => ({
        selected: tab.getAttribute('aria-selected') === 'true',
        line: getComputedStyle(tab).borderBottomColor,
      })),
    );
    await page.emulateMedia({ forcedColors: 'none' });
    const chosen = underlines.filter((t) => t.selected).map((t) => t.line);
    const others = underlines.filter((t) => !t.selected).map((t) => t.line);
    expect(chosen).toHaveLength(1);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((line) => line !== chosen[0])).toBe(true);
  });
});
