/**
 * The app offline, in real Chromium against the production build. The first visit is online
 * (the service worker precaches every file); then `context.setOffline(true)` and, with no
 * network at all: a reload, joining the Plant 4 team and opening its ledger from a file, a
 * bundle verified in the pool worker, the policy's decision on its Patch detail, the patch
 * applied to an OPFS workspace, a reload that reopens the team from IndexedDB, a bundle opened
 * through the launch queue, and a 9 MiB bundle with its progress shown, then side by side, and
 * no long task over 200 ms. A second, fresh browser goes offline right after the first load:
 * its first check ever finds the worker and the lazily loaded pages in the precache.
 *
 * Simulated, and only this: the launch queue. Chromium gives `window.launchQueue` launch
 * params only to an installed app opened from the file manager, which a headless browser
 * cannot be; an init script puts a queue in its place before the app starts, the app's own
 * consumer (app/launch.ts) registers on it as it would on the real one, and the test hands it
 * launch params shaped as Chromium's (file handles with `kind` and `getFile`).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createBundle, makeSeedSigner, serializeBundle } from '../../src/core/index.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  watchLongTasks,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import {
  buildWorkflowFixture,
  NEW_CONF,
  OLD_CONF,
  TEAM,
  type WorkflowFixture,
} from './workflow-fixture.ts';
import {
  clickAct,
  go,
  joinPlant4,
  openBundle,
  readOpfs,
  showPatch,
  writeOpfs,
} from './workflow-steps.ts';

/** A bundle of about 9 MiB: one created file of 120k lines in its diff. */
async function writeLargeBundle(path: string): Promise<void> {
  const lines = Array.from({ length: 120_000 }, (_, i) => `+line ${i}: ${'x'.repeat(48)}`);
  const diff = `--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1,${lines.length} @@\n${lines.join('\n')}\n`;
  const signer = await makeSeedSigner(new Uint8Array(32).fill(7));
  const bundle = await createBundle({ diff, signer, reason: 'A large patch', now: new Date(0) });
  await writeFile(path, serializeBundle(bundle));
}

/** Until the service worker controls the page (then every file is in its precache). */
async function offlineReady(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Which of these test ids ever appeared in the page, from now on. */
async function watchAppearing(page: Page, ids: string[]): Promise<() => Promise<string[]>> {
  await page.evaluate((wanted) => {
    const seen = new Set<string>();
    (window as unknown as { __seen: Set<string> }).__seen = seen;
    const look = () => {
      for (const id of wanted) if (document.querySelector(`[data-testid="${id}"]`)) seen.add(id);
    };
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
  }, ids);
  return () => page.evaluate(() => [...(window as unknown as { __seen: Set<string> }).__seen]);
}

/** Stands in for the installed app's launch queue (see the header). */
async function simulateLaunchQueue(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const queue = {
      setConsumer(consumer: (params: unknown) => void) {
        (window as unknown as { __launch: typeof consumer }).__launch = consumer;
      },
    };
    Object.defineProperty(window, 'launchQueue', { value: queue, configurable: true });
  });
}

describeBrowser('offline after the first visit (Chromium, production build)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];
  let fixture: WorkflowFixture;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchtrail-offline-'));
    await Promise.all([
      buildWorkflowFixture(dir).then((made) => (fixture = made)),
      writeLargeBundle(join(dir, 'large.json')),
      ensureWebBuild(),
    ]);
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    page = browser.page;
    await simulateLaunchQueue(browser.context);
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    // Offline, the browser logs each failed look for a new version and each failed attempt
    // to reach the team's room (sync is what needs the network); nothing else may fail.
    const offlineOnly =
      /sw\.js|Failed to update a ServiceWorker|\/signal' failed: .*ERR_INTERNET_DISCONNECTED/;
    expect(errors.filter((e) => !offlineOnly.test(e))).toEqual([]);
  });

  it('first visit online: the service worker takes the page and Settings says it works offline', async () => {
    await page.goto(server.url);
    await offlineReady(page);
    await go(page, 'Settings');
    await page.getByTestId('offline-ready').waitFor();
  });

  it('offline: a reload is served by the service worker', async () => {
    await browser.context.setOffline(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await go(page, 'Inbox');
  });

  it('offline: joins the team by invitation and opens its ledger from a file', async () => {
    await joinPlant4(page, fixture, server.url);
  });

  it('offline: a bundle verifies in the worker and its Patch detail gives the policy’s decision', async () => {
    await openBundle(page, fixture.bundles.reviewed);
    const verdict = page.getByTestId('verdict');
    expect(await verdict.getAttribute('data-engine')).toBe('worker');
    expect(await verdict.getAttribute('data-state')).toBe('allowed');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(
      'Safe to apply on this device',
    );
  });

  it('offline: applies the patch to an OPFS workspace', async () => {
    await writeOpfs(page, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await showPatch(page, fixture.keys.reviewed);
    await clickAct(page, 'Apply');
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('applied');
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);
  });

  it('offline: a reload reopens the team from this device’s storage, the apply recorded', async () => {
    await page.reload();
    await go(page, 'Inbox');
    const row = page.locator(`[data-testid="inbox-item"][data-key="${fixture.keys.reviewed}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('applied');
    expect(await page.getByTestId('team-name').textContent()).toBe(TEAM);
  });

  it('offline: a bundle opened through the launch queue lands on its Patch detail (simulated queue)', async () => {
    const text = await readFile(fixture.bundles.stranger, 'utf8');
    await page.evaluate((bundle) => {
      const launch = (window as unknown as { __launch: (params: unknown) => void }).__launch;
      const file = new File([bundle], 'from-files.patchtrail', { type: 'application/json' });
      launch({ files: [{ kind: 'file', name: file.name, getFile: () => Promise.resolve(file) }] });
    }, text);
    await page.waitForURL(`**/#/patch/${fixture.keys.stranger}`);
    const verdict = page.locator('[data-testid="verdict"][data-file="from-files.patchtrail"]');
    await expect.poll(() => verdict.getAttribute('data-state')).toBe('untrusted');
  });

  it('offline: a 9 MiB bundle shows its progress and no long task over 200 ms', async () => {
    const path = join(dir, 'large.json');
    expect((await stat(path)).size).toBeGreaterThan(9 * 1024 * 1024);
    await go(page, 'Inbox');
    const longTasks = await watchLongTasks(page);
    const appeared = await watchAppearing(page, ['checking', 'diff-progress']);
    await page.getByTestId('file-input').setInputFiles(path);
    const verdict = page.locator('[data-testid="verdict"][data-file="large.json"]');
    await verdict.waitFor();
    await page.getByRole('tab', { name: 'Unified' }).waitFor({ timeout: 60_000 });
    // Side by side sizes its halves from the model's widest lines: no measuring of rows.
    await page.getByRole('tab', { name: 'Side by side' }).click();
    await page.getByTestId('diff-split').waitFor();
    expect(await verdict.getAttribute('data-engine')).toBe('worker');
    expect(await appeared()).toEqual(['checking', 'diff-progress']);
    const tasks = await longTasks();
    console.log(
      `9 MiB bundle: long tasks ${tasks.map((t) => t.toFixed(0)).join(', ') || 'none'} ms`,
    );
    expect(Math.max(0, ...tasks)).toBeLessThanOrEqual(200);
  });
});

describeBrowser('offline from the first check after load (Chromium, production build)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchtrail-offline-first-'));
    const signer = await makeSeedSigner(new Uint8Array(32).fill(5));
    const diff = '--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-old\n+new\n';
    const bundle = await createBundle({ diff, signer, reason: 'Say new', now: new Date(0) });
    await writeFile(join(dir, 'first.json'), serializeBundle(bundle));
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies the first bundle ever opened, offline: its worker and page come from the precache', async () => {
    const { page, context } = browser;
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await offlineReady(page);
    await context.setOffline(true);
    await page.getByTestId('file-input').setInputFiles(join(dir, 'first.json'));
    const verdict = page.locator('[data-testid="verdict"][data-file="first.json"]');
    await expect.poll(() => verdict.getAttribute('data-state')).toBe('no-team');
    expect(await verdict.getAttribute('data-engine')).toBe('worker');
    expect(errors).toEqual([]);
  });
});
