/**
 * A full quota, for real: Chromium runs with its profile on a small tmpfs, so the origin's
 * quota is small (Chromium gives an origin a share of the profile's disk; a CDP quota override
 * has no effect, see PLATFORM.md). The device joins the Plant 4 team and keeps a bundle; the
 * test then fills what is left of the quota with a database of its own, and the user imports
 * a longer ledger file: the app says plainly that storage is full and that nothing saved
 * before was lost. After space is freed and the page reloaded, the team, its ledger and the
 * bundle are all there, and the same import then succeeds.
 *
 * Mounting a tmpfs needs root (and CAP_SYS_ADMIN); elsewhere the test is skipped with the
 * reason printed. Nothing about the failure is injected.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { buildWorkflowFixture, TEAM, type WorkflowFixture } from './workflow-fixture.ts';
import { go, joinPlant4, openBundle } from './workflow-steps.ts';

const DISK = '96m';
const GROW = 2000;

/** Mounts a tmpfs of `size` at `dir`; the reason it could not, or undefined. */
function mountTmpfs(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Writes 1 MiB records of random bytes into a database of the test's own until the quota refuses one. */
function fillQuota(page: Page): Promise<{ mib: number; refusal: string }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const open = indexedDB.open('quota-filler', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('filler');
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(open.error);
    });
    const put = (i: number) =>
      new Promise<void>((done, fail) => {
        const chunk = new Uint8Array(1 << 20);
        for (let at = 0; at < chunk.length; at += 65536)
          crypto.getRandomValues(chunk.subarray(at, at + 65536));
        const tx = db.transaction('filler', 'readwrite');
        tx.objectStore('filler').put(chunk, i);
        tx.oncomplete = () => done();
        tx.onabort = () => fail(tx.error);
      });
    for (let i = 0; i < 1000; i++) {
      try {
        await put(i);
      } catch (error) {
        db.close();
        return { mib: i, refusal: (error as DOMException).name };
      }
    }
    db.close();
    return { mib: 1000, refusal: 'none' };
  });
}

const skipReason = { value: undefined as string | undefined };

describeBrowser('a full quota (Chromium on a small tmpfs)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser | undefined;
  let page: Page;
  let fixture: WorkflowFixture;
  let dir: string;
  let profile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchtrail-quota-'));
    profile = join(dir, 'profile');
    await mkdir(profile);
    skipReason.value = mountTmpfs(profile, DISK);
    [fixture] = await Promise.all([buildWorkflowFixture(dir, GROW), ensureWebBuild()]);
    server = await serveWebApp();
    if (skipReason.value !== undefined) return;
    browser = await launchChromium({ profile: join(profile, 'chromium') });
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (skipReason.value === undefined) execFileSync('umount', [profile]);
    await rm(dir, { recursive: true, force: true });
  });

  it('says storage is full, loses nothing saved before, and imports once space is freed', async (context) => {
    if (skipReason.value !== undefined) {
      console.warn(`skipped: ${skipReason.value}`);
      context.skip();
    }
    await page.goto(server.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await joinPlant4(page, fixture, server.url);
    await openBundle(page, fixture.bundles.reviewed);
    const quota = await page.evaluate(() => navigator.storage.estimate());
    const filled = await fillQuota(page);
    console.log(
      `quota ${((quota.quota ?? 0) / 2 ** 20).toFixed(0)} MiB on a ${DISK} tmpfs; filled ${filled.mib} MiB, then ${filled.refusal}`,
    );
    expect(filled.refusal).toBe('QuotaExceededError');

    await go(page, 'Ledger');
    await page.getByTestId('ledger-file-input').setInputFiles(fixture.grownLedgerFile);
    const alert = page.getByTestId('ledger-import').getByRole('alert');
    await alert.waitFor({ timeout: 60_000 });
    const said = await alert.textContent();
    expect(said).toContain('storage for patchtrail is full');
    expect(said).toContain('Nothing saved before was lost');

    await page.evaluate(
      () =>
        new Promise((done, fail) => {
          const drop = indexedDB.deleteDatabase('quota-filler');
          drop.onsuccess = done;
          drop.onerror = () => fail(drop.error);
        }),
    );
    await page.reload();
    await go(page, 'Inbox');
    const row = page.locator(`[data-testid="inbox-item"][data-key="${fixture.keys.reviewed}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('allowed');
    expect(await page.getByTestId('team-name').textContent()).toBe(TEAM);

    await go(page, 'Ledger');
    await page.getByTestId('ledger-file-input').setInputFiles(fixture.grownLedgerFile);
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.textContent()).toMatch(/Imported: [\d,]+ new/);
  });
});
