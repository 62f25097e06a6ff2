/**
 * The app's worker pool in real Chromium against the production build: a pool worker that
 * crashes is replaced, and the next check runs in a worker again (before the pool, one failure
 * sent every later check to the main thread for the rest of the session).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBundle, makeSeedSigner, serializeBundle } from '../../src/core/index.ts';
import {
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const DIFF = ['--- a/x.txt', '+++ b/x.txt', '@@ -1 +1 @@', '-old', '+new', ''].join('\n');

async function engineFor(page: Page, fileName: string): Promise<string | null> {
  const verdict = page.locator(`[data-testid="verdict"][data-file="${fileName}"]`);
  await verdict.waitFor();
  expect(await verdict.getAttribute('data-check')).toBe('verified');
  return verdict.getAttribute('data-engine');
}

describeBrowser('worker pool in the app (Chromium, production build)', () => {
  let dir: string;
  let server: WebServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchtrail-pool-'));
    const signer = await makeSeedSigner(new Uint8Array(32).fill(3));
    const bundle = await createBundle({ diff: DIFF, signer, reason: 'Say new', now: new Date(0) });
    for (const name of ['first.json', 'second.json'])
      await writeFile(join(dir, name), serializeBundle(bundle));
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('replaces a worker that crashes: the next check runs in a worker again', async () => {
    const page = browser.page;
    await page.goto(server.url);
    await page.setInputFiles('[data-testid="file-input"]', join(dir, 'first.json'));
    expect(await engineFor(page, 'first.json')).toBe('worker');
    const [crashed] = page.workers();
    if (crashed === undefined) throw new Error('no pool worker is running');
    const gone = new Promise<void>((resolve) => crashed.once('close', () => resolve()));
    // An uncaught exception reaches the page as the worker's `error` event, as a crash does.
    await crashed.evaluate(() => {
      setTimeout(() => {
        throw new Error('the worker crashed (test)');
      });
    });
    await gone; // the pool terminated it
    // Opening a bundle shows its Patch detail; the Inbox (same page, same pool) takes the next.
    await page.evaluate(() => {
      location.hash = '#/inbox';
    });
    await page.setInputFiles('[data-testid="file-input"]', join(dir, 'second.json'));
    expect(await engineFor(page, 'second.json')).toBe('worker');
    expect(page.workers()).toHaveLength(1);
    expect(page.workers()[0]).not.toBe(crashed);
    expect(page.workers()[0]?.url()).toMatch(/\/pool\.worker-[\w-]+\.js$/);
  });
});
