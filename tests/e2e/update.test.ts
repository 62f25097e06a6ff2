/**
 * The update flow with two real builds, in Chromium: the app is served from dist/web (this
 * version), then the server switches to a second build of the same sources with another
 * version string. While an apply runs, the new version installs in the background and waits:
 * the banner says what it waits for and offers no button, and the page keeps running. Once
 * the apply has finished, it takes over only when the user presses "Reload".
 *
 * Simulated, and only this: a slow disk. The apply would finish in milliseconds, before the
 * update could arrive; the test holds its write (`createWritable` on the workspace's file)
 * until it has seen the update wait, then lets it go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  buildWebCopy,
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  WEB_DIST,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import {
  buildWorkflowFixture,
  NEW_CONF,
  OLD_CONF,
  type WorkflowFixture,
} from './workflow-fixture.ts';
import { go, joinPlant4, openBundle, readOpfs, writeOpfs } from './workflow-steps.ts';

const NEXT_VERSION = '0.1.0-next';

interface HeldWrites {
  __held: number;
  __release: () => void;
  __marker?: string;
}

/** Holds every `createWritable` (an apply's write) until `__release()`: a slow disk. */
async function holdWrites(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as HeldWrites;
    const original = FileSystemFileHandle.prototype.createWritable;
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    w.__held = 0;
    w.__release = release;
    FileSystemFileHandle.prototype.createWritable = async function (options) {
      w.__held++;
      await released;
      return original.call(this, options);
    };
  });
}

async function version(page: Page): Promise<string | null> {
  await go(page, 'Settings');
  return page.getByTestId('app-version').textContent();
}

describeBrowser('a new version while an apply runs (Chromium, two builds)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];
  let fixture: WorkflowFixture;
  let dir: string;
  let served = WEB_DIST;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchtrail-update-'));
    [fixture] = await Promise.all([buildWorkflowFixture(dir), ensureWebBuild()]);
    buildWebCopy(join(dir, 'next'), { VITE_PATCHTRAIL_VERSION: NEXT_VERSION });
    [server, browser] = await Promise.all([serveWebApp(() => served), launchChromium()]);
    page = browser.page;
    errors = collectPageErrors(page);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits while the apply runs, and takes over only after the user presses Reload', async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const first = await version(page);
    expect(first).not.toBe(NEXT_VERSION);
    await joinPlant4(page, fixture, server.url);
    await openBundle(page, fixture.bundles.reviewed);
    await writeOpfs(page, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await holdWrites(page);
    await page.getByTestId('act').getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByTestId('act-progress').waitFor();
    await page.waitForFunction(() => (window as unknown as HeldWrites).__held > 0);
    await page.evaluate(() => ((window as unknown as HeldWrites).__marker = 'this page'));
    // The progress line says which step holds it: the files are being written.
    const progress = page.getByTestId('act-progress');
    expect(await progress.getAttribute('data-step')).toBe('apply');
    expect(await progress.textContent()).toMatch(/^Applying on .+main.*: changing the files…/);

    served = join(dir, 'next');
    // What the app does hourly, when the network returns and when the tab is shown again.
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const banner = page.getByTestId('update-banner');
    await expect
      .poll(() => banner.textContent(), { timeout: 30_000 })
      .toBe('A new version of patchtrail is ready. It waits until the apply in progress finishes.');
    expect(await banner.getByRole('button').count()).toBe(0);
    const waiting = () =>
      page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state);
    expect(await waiting()).toBe('installed');

    await page.evaluate(() => (window as unknown as HeldWrites).__release());
    await expect.poll(() => page.getByTestId('act-progress').count()).toBe(0);
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('applied');
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);
    const reload = banner.getByRole('button', { name: 'Reload' });
    await reload.waitFor();
    // Nothing changed under the apply, nor after it without consent: the same page, still
    // controlled by the old worker, the new one still waiting.
    expect(await page.evaluate(() => (window as unknown as HeldWrites).__marker)).toBe('this page');
    expect(await waiting()).toBe('installed');

    await Promise.all([page.waitForEvent('load'), reload.click()]);
    expect(await page.evaluate(() => (window as unknown as HeldWrites).__marker)).toBeUndefined();
    expect(await version(page)).toBe(NEXT_VERSION);
    expect(await page.getByTestId('update-banner').count()).toBe(0);
    // This static server has no signaling endpoint: the app's attempts to reach the team's
    // room fail, as expected; nothing else may.
    expect(errors.filter((e) => !/\/signal' failed: .* 404/.test(e))).toEqual([]);
  });
});
