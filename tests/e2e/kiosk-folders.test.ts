/**
 * A kiosk on real folders, in real Chromium against the production build (issue 14). What is
 * simulated: headless Chromium cannot show the folder picker, so `showDirectoryPicker` is
 * replaced by one that hands back OPFS directories ("picked-drop" to watch, "picked-player" to
 * keep up to date); they are real `FileSystemDirectoryHandle`s, stored in IndexedDB and read
 * back through the same code a picked folder takes. A lost permission (what a browser restart
 * can do to a picked folder) is simulated by an init script that makes
 * `FileSystemHandle.prototype.queryPermission` answer "prompt" while a localStorage flag is
 * set, and `requestPermission` clear it and answer "granted" (the browser's prompt, accepted).
 */
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectAccessible } from './accessibility.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  withoutSignaling,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { kioskWorld, type KioskWorld } from './kiosk-fixture.ts';
import { endorseAsKiosk, joinAsKiosk, readOpfs, writeOpfs } from './kiosk-steps.ts';

const LOST = 'test.kiosk-folders.permission-lost';

/** Runs in every page before the app: the picker and the permission stand-ins above. */
function standIns(lost: string): void {
  const w = window as unknown as {
    showDirectoryPicker: (o?: { id?: string }) => Promise<FileSystemDirectoryHandle>;
  };
  w.showDirectoryPicker = async (options) => {
    const name = options?.id?.endsWith('watch') === true ? 'picked-drop' : 'picked-player';
    return (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
  };
  const proto = FileSystemHandle.prototype as unknown as Record<string, unknown>;
  proto.queryPermission = () =>
    Promise.resolve(localStorage.getItem(lost) === null ? 'granted' : 'prompt');
  proto.requestPermission = () => {
    localStorage.removeItem(lost);
    return Promise.resolve('granted');
  };
}

const enc = (text: string) => new TextEncoder().encode(text);

describeBrowser('a kiosk on picked folders (Chromium, production build)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let world: KioskWorld;
  let errors: string[];
  const files: string[] = [];
  const playerConf = () => readOpfs(page, ['picked-player', 'app.conf']);
  const state = () => page.getByTestId('kiosk-state').getAttribute('data-state');

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser, world] = await Promise.all([serveWebApp(), launchChromium(), kioskWorld()]);
    page = browser.page;
    await browser.context.addInitScript(standIns, LOST);
    errors = collectPageErrors(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all(files.map((file) => rm(file, { force: true })));
  });

  it('an admin picks the folder to watch and the folder to keep, and enters kiosk mode', async () => {
    await joinAsKiosk(page, world.invitation(server.url), world.file(), files);
    await endorseAsKiosk(page, server.url, world, files);
    await writeOpfs(page, ['picked-player'], 'app.conf', enc('mode=old\n'));
    await page.goto(`${server.url}#/kiosk`);
    await page.getByRole('button', { name: /Choose: folder it takes updates from/ }).click();
    await page.getByRole('button', { name: /Choose: folder it keeps up to date/ }).click();
    await expect
      .poll(() => page.getByTestId('kiosk-folder-watch-name').textContent())
      .toBe('picked-drop');
    await expect
      .poll(() => page.getByTestId('kiosk-folder-target-name').textContent())
      .toBe('picked-player');
    await expectAccessible(page, 'kiosk setup with picked folders');
    await shoot(page, 'kiosk-setup-folders');
    await page.getByTestId('kiosk-no-exit-ok').check(); // no admin passkey in this test
    await page.getByRole('button', { name: 'Enter kiosk mode' }).click();
    await expect.poll(state, { timeout: 15_000 }).toBe('up-to-date');
  }, 180_000);

  it('applies a bundle dropped in the picked folder to the picked folder', async () => {
    await writeOpfs(page, ['picked-drop'], 'a-good.json', world.bundles.good);
    await expect
      .poll(() => page.getByTestId('kiosk-current').textContent(), { timeout: 20_000 })
      .toContain('Lobby player 2.0');
    expect(await playerConf()).toBe('mode=new\n');
    expect(await readOpfs(page, ['workspaces', 'kiosk', 'app.conf'])).toBeUndefined();
  }, 60_000);

  it('after a restart without permission: says so, applies nothing, until an admin allows it', async () => {
    await page.evaluate((key) => localStorage.setItem(key, '1'), LOST);
    await page.reload();
    const banner = page.getByTestId('kiosk-state');
    await expect
      .poll(() => banner.textContent(), { timeout: 20_000 })
      .toContain('The update folder needs permission again');
    expect(await state()).toBe('needs-attention');
    // The ledger still says what runs; only the folders are out of reach.
    expect(await page.getByTestId('kiosk-current').textContent()).toContain('Lobby player 2.0');
    expect(
      await page.getByText(/Needs attention: the update folder needs permission again/).count(),
    ).toBe(1);
    await writeOpfs(page, ['picked-drop'], 'd-newer.json', world.bundles.newer);
    await page.waitForTimeout(3000); // a poll or two: the kiosk must not touch the folders
    expect(await playerConf()).toBe('mode=new\n');
    await expectAccessible(page, 'kiosk board, folder permission lost');
    await shoot(page, 'kiosk-folder-permission');

    await page.getByRole('button', { name: 'Allow the folders again (admin)' }).click();
    await expect
      .poll(() => page.getByTestId('kiosk-current').textContent(), { timeout: 20_000 })
      .toContain('Lobby player 2.2');
    expect(await playerConf()).toBe('mode=newer\n');
    expect(await page.getByTestId('kiosk-permission').count()).toBe(0);
    // This static server has no signaling: the app's attempts to reach it are expected.
    expect(withoutSignaling(errors)).toEqual([]);
  }, 90_000);
});
