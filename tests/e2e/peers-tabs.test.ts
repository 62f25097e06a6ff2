/**
 * Two tabs of one browser share the team ledger through BroadcastChannel (y-webrtc's, encrypted
 * with the room secret), with the network off and no signaling server: an entry written in one
 * tab is admitted in the other, and nothing is requested beyond the page itself. A tab that
 * joins later gets the whole state from the others in parts.
 */
import { expect, it } from 'vitest';
import { describeBrowser } from './browser.ts';
import { usePeersPageInChromium, watchPage } from './peers-harness.ts';

describeBrowser('two tabs of one browser, network off', () => {
  const served = usePeersPageInChromium();

  it('syncs an entry from one tab to the other over BroadcastChannel', async () => {
    const { context } = served.browser();
    const contacted: string[] = [];
    const [one, two] = [context.pages()[0] ?? (await context.newPage()), await context.newPage()];
    for (const tab of [one, two]) {
      await watchPage(tab, contacted);
      await tab.goto(served.url());
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
    // Each tab computes its digest for the other (it is computed only with someone to read it),
    // and claims the digest the other holds.
    for (const tab of [one, two])
      await expect
        .poll(() => tab.evaluate(() => window.patchtrailPeers.snapshot()), { timeout: 10_000 })
        .toMatchObject({
          digest: s1?.digest,
          state: { digest: s1?.digest, inStep: 1, reporting: 1 },
        });
    expect(s1?.state?.peers).toEqual([expect.objectContaining({ via: 'tab', connected: true })]);
    expect(s1?.state?.signaling).toEqual([]);
    // Nothing beyond the page itself: its own scripts may still load (the worker pool starts
    // when a room is joined; the app's service worker serves it from its precache offline).
    const ownAssets = new URL('assets/', served.url()).href;
    expect(contacted.slice(loaded).filter((url) => !url.startsWith(ownAssets))).toEqual([]);

    // Past 256 KiB of state (entries of about 500 bytes): the third tab gets it in parts.
    const more = await one.evaluate(() => window.patchtrailPeers.append(7, 600));
    expect(
      await two.evaluate((wanted) => window.patchtrailPeers.waitFor(wanted, 20_000), more),
    ).toBe(true);

    // A third tab knows only the ledger id and the secret (an invitation): the app's transport
    // waits for the genesis from the other tabs, opens the ledger, and syncs.
    const three = await context.newPage();
    await watchPage(three, contacted);
    await context.setOffline(false); // the test page has no service worker to load it offline
    await three.goto(served.url());
    await three.waitForFunction(() => window.patchtrailPeers !== undefined);
    await context.setOffline(true);
    await three.evaluate((id) => window.patchtrailPeers.follow(id, 'tab secret', []), ledgerId);
    expect(
      await three.evaluate(
        (wanted) => window.patchtrailPeers.waitFor(wanted, 20_000),
        [...ids, ...back, ...more],
      ),
    ).toBe(true);
    expect(
      (await three.evaluate(() => window.patchtrailPeers.snapshot())).partTransactions,
    ).toBeGreaterThan(1);
    await expect
      .poll(async () => (await three.evaluate(() => window.patchtrailPeers.syncStates())).at(-1))
      .toMatchObject({ kind: 'connected', peers: 2 });
    await context.setOffline(false);
  });
});
