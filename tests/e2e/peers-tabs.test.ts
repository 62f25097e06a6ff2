/**
 * Two tabs of one browser share the team ledger through BroadcastChannel (y-webrtc's, encrypted
 * with the room secret), with the network off and no signaling server: an entry written in one
 * tab is admitted in the other, and nothing is requested beyond the page itself.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeBrowser,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { bundlePeersPage, watchPage } from './peers-harness.ts';

describeBrowser('two tabs of one browser, network off', () => {
  let dir: string | undefined;
  let server: WebServer | undefined;
  let browser: LaunchedBrowser | undefined;

  beforeAll(async () => {
    dir = await bundlePeersPage();
    server = await serveWebApp(dir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('syncs an entry from one tab to the other over BroadcastChannel', async () => {
    const context = browser?.context;
    if (context === undefined || server === undefined) throw new Error('setup failed');
    const contacted: string[] = [];
    const [one, two] = [context.pages()[0] ?? (await context.newPage()), await context.newPage()];
    for (const tab of [one, two]) {
      await watchPage(tab, contacted);
      await tab.goto(server.url);
      await tab.waitForFunction(() => window.patchtrailPeers !== undefined);
    }
    const loaded = contacted.length;
    await context.setOffline(true);
    const settings = { signaling: [], iceServers: [] };
    const { ledgerId } = await one.evaluate(() => window.patchtrailPeers.found('tabs'));
    await two.evaluate((id) => window.patchtrailPeers.open(id), ledgerId);
    for (const tab of [one, two])
      await tab.evaluate((st) => window.patchtrailPeers.connect('tab secret', st), settings);

    const ids = await one.evaluate(() => window.patchtrailPeers.append(5, 3));
    expect(
      await two.evaluate((wanted) => window.patchtrailPeers.waitFor(wanted, 10_000), ids),
    ).toBe(true);
    const back = await two.evaluate(() => window.patchtrailPeers.append(6, 1));
    expect(
      await one.evaluate((wanted) => window.patchtrailPeers.waitFor(wanted, 10_000), back),
    ).toBe(true);

    const [s1, s2] = await Promise.all(
      [one, two].map((t) => t.evaluate(() => window.patchtrailPeers.snapshot())),
    );
    expect(s1?.digest).toBe(s2?.digest);
    expect(s1?.state?.peers).toEqual([expect.objectContaining({ via: 'tab', connected: true })]);
    expect(s1?.state?.signaling).toEqual([]);
    expect(contacted.slice(loaded)).toEqual([]);
    await context.setOffline(false);
  });
});
