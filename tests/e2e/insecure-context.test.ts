/**
 * The app opened over plain http from an address that is not this machine's loopback (a
 * tablet loading `npm start --host 0.0.0.0` from the LAN): the browser withholds WebCrypto, and
 * the app must say so, with the way out, rather than fail without a word. Chromium resolves a
 * made-up host name to the test server (`--host-resolver-rules`), so the origin is not secure.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

describeBrowser('the app on a page the browser does not treat as secure (Chromium)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let url = '';

  beforeAll(async () => {
    await ensureWebBuild();
    server = await serveWebApp();
    browser = await launchChromium({
      args: ['--host-resolver-rules=MAP plant-tablet.test 127.0.0.1'],
    });
    page = browser.page;
    url = server.url.replace('127.0.0.1', 'plant-tablet.test');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says on every page that it cannot work there, and how to open it instead', async () => {
    await page.goto(url);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    const banner = page.getByTestId('insecure-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('patchtrail cannot work on this page.');
    expect(await banner.textContent()).toContain(`${new URL(url).origin}`);
    expect(await banner.textContent()).toContain('over https');
    await shoot(page, 'insecure-context');
    await page.goto(`${url}#/settings`);
    await banner.waitFor();
    await expect
      .poll(() => page.getByTestId('device-identity').textContent())
      .toContain('does not treat');
  });

  it('says why a bundle it was given cannot be opened, instead of nothing', async () => {
    await page.goto(`${url}#/inbox`);
    await page.getByTestId('file-input').setInputFiles({
      name: 'fix.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        '{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[]}',
      ),
    });
    const problem = page.getByTestId('open-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Could not open fix.json');
    expect(await problem.textContent()).toContain('over https');
    expect(await page.getByTestId('checking').count()).toBe(0);
  });
});
