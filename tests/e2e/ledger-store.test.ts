/**
 * The IndexedDB ledger store in real headless Chromium: vite bundles
 * ./ledger-store-page-entry.ts (the real store from src/storage), a loopback server from
 * ./browser.ts serves it, and the page appends signed entries. After a reload (a new JS
 * context) and after the renderer is killed, the store gives back every entry, in order, with
 * the same digest, and the verification cache spares every signature check. Skipped, with a
 * printed reason, without /usr/bin/chromium (see ./browser.ts).
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bundleTestPage,
  describeBrowser,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const ENTRY = fileURLToPath(new URL('./ledger-store-page-entry.ts', import.meta.url));

const ENTRIES = 1000;

describeBrowser('ledger store over IndexedDB in headless Chromium', () => {
  let bundleDir: string | undefined;
  let server: WebServer | undefined;
  let browser: LaunchedBrowser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    bundleDir = await bundleTestPage(ENTRY, 'patchtrail ledger store');
    server = await serveWebApp(bundleDir);
    browser = await launchChromium();
    const origin = new URL(server.url).origin;
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    page = browser.page;
    await load(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundleDir !== undefined) await rm(bundleDir, { recursive: true, force: true });
  });

  async function load(into: Page): Promise<void> {
    await into.goto(server?.url ?? 'about:blank');
    await into.waitForFunction(() => window.patchtrailLedgerStore !== undefined);
  }
  const current = (): Page => {
    if (page === undefined) throw new Error('Chromium did not start');
    return page;
  };
  const reopen = (ledgerId: string, ignoreCache = false) =>
    current().evaluate(
      ({ ledgerId, ignoreCache }) => window.patchtrailLedgerStore.reopen(ledgerId, ignoreCache),
      { ledgerId, ignoreCache },
    );

  let ledgerId = '';

  it(`finds all ${ENTRIES} appended entries again after a reload, in order, without re-verifying`, async () => {
    const created = await current().evaluate(() => window.patchtrailLedgerStore.create('e2e'));
    ledgerId = created.ledgerId;
    const written = await current().evaluate(
      (count) => window.patchtrailLedgerStore.append(count, 10, true),
      ENTRIES,
    );
    expect(written.ids).toHaveLength(ENTRIES + 1);
    expect(written.errors).toEqual([]);

    await current().reload();
    await current().waitForFunction(() => window.patchtrailLedgerStore !== undefined);
    const again = await reopen(ledgerId);
    expect(again.ids).toEqual(written.ids);
    expect(again.digest).toBe(written.digest);
    expect(again.report).toEqual({ admitted: ENTRIES, cached: ENTRIES, held: 0, rejected: [] });

    const checked = await reopen(ledgerId, true);
    expect(checked.digest).toBe(written.digest);
    expect(checked.report).toMatchObject({ admitted: ENTRIES, cached: 0 });
  });

  it('keeps flushed entries when the renderer is killed, and reloads them in a new page', async () => {
    const context = browser?.context;
    if (context === undefined || ledgerId === '') throw new Error('the first test did not run');
    const more = await current().evaluate(() => window.patchtrailLedgerStore.append(50, 3, true));
    expect(more.ids).toHaveLength(ENTRIES + 51);

    const crashed = current().waitForEvent('crash');
    const cdp = await context.newCDPSession(current());
    void cdp.send('Page.crash').catch(() => undefined); // a crashed target never answers
    await crashed;
    await current().close();
    page = await context.newPage();
    await load(page);
    const after = await reopen(ledgerId);
    expect(after.ids).toEqual(more.ids);
    expect(after.digest).toBe(more.digest);
    expect(after.report.cached).toBe(ENTRIES + 50);
  });
});
