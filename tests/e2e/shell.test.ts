/**
 * The app's shell and this device's identity, in real Chromium against the production build:
 * the first screen's JavaScript (measured over the wire, gzipped), the routes and navigation,
 * the top bar, and the device key — non-extractable, kept across a reload, still signing.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { didFromPublicKey } from '../../src/core/index.ts';
import { INITIAL_JS_BUDGET, initialScripts } from './initial-js.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });

/** What the stored device record holds, read straight from IndexedDB in the page. */
function readDeviceRecord(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const request = indexedDB.open('patchtrail-device');
      request.onsuccess = () => done(request.result);
      request.onerror = () => fail(request.error);
    });
    const record = await new Promise<{
      privateKey: CryptoKey;
      publicKey: Uint8Array;
      name: string;
      created: string;
    }>((done, fail) => {
      const request = db.transaction('device').objectStore('device').get('device');
      request.onsuccess = () => done(request.result);
      request.onerror = () => fail(request.error);
    });
    db.close();
    let exportError = 'exported';
    try {
      await crypto.subtle.exportKey('pkcs8', record.privateKey);
    } catch (error) {
      exportError = (error as DOMException).name;
    }
    const message = new TextEncoder().encode('patchtrail device key check');
    const signature = await crypto.subtle.sign({ name: 'Ed25519' }, record.privateKey, message);
    const publicKey = await crypto.subtle.importKey(
      'raw',
      record.publicKey.slice(),
      { name: 'Ed25519' },
      true,
      ['verify'],
    );
    const verifies = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, message);
    return {
      publicKey: [...record.publicKey],
      name: record.name,
      created: record.created,
      extractable: record.privateKey.extractable,
      exportError,
      verifies,
    };
  });
}

describeBrowser('app shell and device identity (Chromium, production build)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    page = browser.page;
    pageErrors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it(`loads the first screen with at most ${INITIAL_JS_BUDGET / 1024} KiB of JavaScript, gzipped`, async () => {
    const sizes = await initialScripts(page, async () => {
      await page.goto(server.url);
      await heading(page, 'Inbox').waitFor();
    });
    // A warning only Solid's development build carries.
    expect(
      sizes.filter((s) => s.text.includes('computations created outside')).map((s) => s.file),
    ).toEqual([]);
    const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
    const workers = sizes.filter((s) => s.file.includes('.worker-'));
    console.log(
      `initial JS: ${(total / 1024).toFixed(1)} KiB gzip in ${sizes.length} files ` +
        `(budget ${INITIAL_JS_BUDGET / 1024} KiB); workers among them: ${workers.length}\n` +
        sizes.map((s) => `  ${s.file} ${(s.gzip / 1024).toFixed(1)} KiB`).join('\n'),
    );
    expect(page.url()).toMatch(/#\/inbox$/);
    expect(total).toBeLessThanOrEqual(INITIAL_JS_BUDGET);
  });

  it('shows the top bar: no team, not connected, and an unnamed device', async () => {
    await expect.poll(() => page.getByTestId('team-name').textContent()).toBe('No team');
    expect(await page.getByTestId('sync-state').textContent()).toBe('Not connected');
    await expect
      .poll(() => page.getByTestId('device-name').textContent())
      .toContain('Name this device');
    await shoot(page, 'inbox-empty');
  });

  it('navigates between the screens, and names an unknown address as such', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Ledger', 'Team', 'Policy', 'Peers', 'Settings', 'Inbox']) {
      await nav.getByRole('link', { name, exact: true }).click();
      await heading(page, name).waitFor();
      expect(await nav.getByRole('link', { name, exact: true }).getAttribute('aria-current')).toBe(
        'page',
      );
    }
    await page.goto(`${server.url}#/no-such-page`);
    await heading(page, 'Nothing here').waitFor();
    await page.goto(`${server.url}#/peers`);
    expect(await page.getByTestId('peers-no-team').textContent()).toContain('syncs with no one');
    await shoot(page, 'peers');
    await page.goto(`${server.url}#/team`);
    await page.getByTestId('onboarding').waitFor();
    await shoot(page, 'team-onboarding');
  });

  it('fits the phone’s bar: four screens and More, no label cut, the rest one tap away', async () => {
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${server.url}#/inbox`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      const more = nav.getByRole('button', { name: 'More' });
      await more.waitFor();
      const shown = await nav
        .locator('.nav-link:visible span')
        .evaluateAll((spans) =>
          spans.map((s) => ({ text: s.textContent, cut: s.scrollWidth > s.clientWidth })),
        );
      expect(shown).toEqual(
        ['Inbox', 'Ledger', 'Audit', 'Team', 'More'].map((text) => ({ text, cut: false })),
      );
      expect(await nav.getByRole('link', { name: 'Policy', exact: true }).count()).toBe(0);

      await more.click();
      expect(await more.getAttribute('aria-expanded')).toBe('true');
      const panel = page.locator('#nav-more-panel');
      expect(await panel.getByRole('link').allTextContents()).toEqual([
        'Reputation',
        'Policy',
        'Peers',
        'Settings',
      ]);
      await shoot(page, 'nav-more');
      await panel.getByRole('link', { name: 'Policy', exact: true }).click();
      await heading(page, 'Policy').waitFor();
      expect(await panel.count()).toBe(0);
      // The bar says where you are even when the screen is under More.
      expect(await more.getAttribute('class')).toContain('nav-active');

      await more.click();
      await page.keyboard.press('Escape');
      expect(await panel.count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('More');
      await more.click();
      await page.mouse.click(195, 200);
      expect(await panel.count()).toBe(0);
    } finally {
      if (viewport !== null) await page.setViewportSize(viewport);
    }
  });

  it('shows this device’s identity in Settings: its did:key, a copy button, and what not to lose', async () => {
    await page.goto(`${server.url}#/settings`);
    const identity = page.getByTestId('device-identity');
    await identity.locator('[data-did]').waitFor();
    const record = await readDeviceRecord(page);
    const did = didFromPublicKey(Uint8Array.from(record.publicKey));
    expect(await identity.locator('[data-did]').getAttribute('data-did')).toBe(did);
    expect(await identity.getByRole('button', { name: 'Copy the did:key' }).count()).toBe(1);
    // When the key was made, in UTC like every time on the ledger, not in a locale's format.
    const made = `${record.created.slice(0, 10)} ${record.created.slice(11, 19)} UTC`;
    expect(await identity.textContent()).toContain(`Key made ${made}.`);
    const facts = await page.getByTestId('key-facts').textContent();
    expect(facts).toContain('cannot leave it');
    expect(facts).toContain('ask an admin to endorse it');
    expect(facts).toContain('revoked');
    await shoot(page, 'settings');
  });

  it('keeps the device key non-extractable: exporting it fails, signing works', async () => {
    const record = await readDeviceRecord(page);
    expect(record.extractable).toBe(false);
    expect(record.exportError).toBe('InvalidAccessError');
    expect(record.verifies).toBe(true);
  });

  it('keeps the same key and a new name across a reload, and the key still signs', async () => {
    const before = await readDeviceRecord(page);
    await page.getByLabel('Device name').fill('Bench laptop');
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => page.getByTestId('device-name').textContent()).toBe('Bench laptop');
    await page.reload();
    await heading(page, 'Settings').waitFor();
    await expect.poll(() => page.getByLabel('Device name').inputValue()).toBe('Bench laptop');
    const after = await readDeviceRecord(page);
    expect(after.publicKey).toEqual(before.publicKey);
    expect(after).toMatchObject({ name: 'Bench laptop', exportError: 'InvalidAccessError' });
    expect(after.verifies).toBe(true);
  });

  it('follows the theme chosen in Settings over the system’s', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Theme').selectOption('dark');
    const scheme = () =>
      page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
    expect(await scheme()).toBe('dark');
    await page.reload();
    await heading(page, 'Settings').waitFor();
    expect(await scheme()).toBe('dark');
    await page.getByLabel('Theme').selectOption('system');
    expect(await scheme()).toBe('light dark');
    await page.emulateMedia({ colorScheme: null });
  });
  it('opens the root at the Inbox before any screen’s code loads, and a link opened then stays', async () => {
    // Its own browser, service worker kept out so that page.route sees every chunk: the
    // Inbox's code is held back, as on a slow start; the root's address must already be the
    // Inbox's (replaced, so Back does not return to it), and an invitation opened at that
    // moment must not be overwritten when the Inbox's code arrives.
    const own = await launchChromium({ serviceWorkers: 'block' });
    try {
      let release = () => {};
      const held = new Promise<void>((done) => (release = done));
      let asked = false;
      await own.page.route(/\/assets\/InboxPage-[^/]*\.js$/, async (route) => {
        asked = true;
        await held;
        await route.continue();
      });
      const entries = () => own.page.evaluate(() => history.length);
      const before = await entries();
      await own.page.goto(server.url);
      expect(new URL(own.page.url()).hash).toBe('#/inbox');
      expect(await entries()).toBe(before + 1);
      await own.page.goto(
        `${server.url}#/join?ledger=${'a'.repeat(64)}&secret=c2VjcmV0LXNlY3JldC1zZWNyZXQ`,
      );
      await heading(own.page, 'Invitation').waitFor();
      release();
      await own.page.waitForTimeout(500);
      expect(asked).toBe(true);
      expect(new URL(own.page.url()).hash).toMatch(/^#\/join\?/);
      await heading(own.page, 'Invitation').waitFor();
    } finally {
      await own.close();
    }
  });
});
