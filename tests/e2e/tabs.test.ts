/**
 * Two tabs of the app in one browser profile, in real Chromium against the production build:
 * what one tab does to this device's storage (forget the team, open its ledger at a newer
 * version) reaches the other at once, and work under way in one tab is not cut short by the
 * other.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser } from './browser.ts';
import {
  go,
  joinPlant4,
  openBundle,
  readOpfs,
  workflowBrowser,
  writeOpfs,
} from './workflow-steps.ts';
import { NEW_CONF, OLD_CONF, TEAM } from './workflow-fixture.ts';

interface HeldWrites {
  __held: number;
  __release: () => void;
}

/** Holds every `createWritable` (an apply's write) until `__release()`: a slow disk. */
async function holdWrites(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as HeldWrites;
    const original = FileSystemFileHandle.prototype.createWritable;
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    w.__held = 0;
    w.__release = () => {
      FileSystemFileHandle.prototype.createWritable = original;
      release();
    };
    FileSystemFileHandle.prototype.createWritable = async function (options) {
      w.__held++;
      await released;
      return original.call(this, options);
    };
  });
}

/** The names of this origin's ledger stores in IndexedDB. */
const ledgerStores = (page: Page) =>
  page.evaluate(async () =>
    (await indexedDB.databases())
      .map((d) => d.name ?? '')
      .filter((name) => name.startsWith('patchtrail-ledger:')),
  );

describeBrowser('two tabs of the app in one profile (Chromium, production build)', () => {
  const session = workflowBrowser('tabs');

  it('forgets the team in one tab only once the other tab’s apply is recorded, and the other tab hears of it', async () => {
    const { page: a, fixture, server, browser } = session;
    await joinPlant4(a, fixture, server.url);
    await openBundle(a, fixture.bundles.reviewed);
    await writeOpfs(a, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await holdWrites(a);
    await a.getByTestId('act').getByRole('button', { name: 'Apply', exact: true }).click();
    await a.waitForFunction(() => (window as unknown as HeldWrites).__held > 0);

    const b = await browser.context.newPage();
    await b.goto(`${server.url}#/settings`);
    await b.getByTestId('team-held').getByRole('button', { name: 'Forget…' }).click();
    await b.getByRole('dialog').getByRole('button', { name: 'Forget the team' }).click();
    // Tab A's apply is under way: the forget waits for it, and says so.
    await b.getByTestId('forget-waiting').waitFor();
    expect(await ledgerStores(b)).toHaveLength(1);
    expect(await a.getByTestId('team-name').textContent()).toBe(TEAM);

    // What the apply's result says, caught as it shows (the page changes once the team goes).
    await a.evaluate(() => {
      const w = window as unknown as { __outcome?: string };
      new MutationObserver(() => {
        const shown = document.querySelector(
          '[data-testid="act-result"], [data-testid="act-error"]',
        );
        if (shown !== null) w.__outcome ??= shown.getAttribute('data-status') ?? shown.textContent;
      }).observe(document.body, { subtree: true, childList: true });
    });
    await a.evaluate(() => (window as unknown as HeldWrites).__release());
    await a.waitForFunction(() => (window as unknown as { __outcome?: string }).__outcome);
    expect(await a.evaluate(() => (window as unknown as { __outcome?: string }).__outcome)).toBe(
      'applied',
    );
    expect(await readOpfs(a, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);

    // Then the forget: tab A lets go of the ledger at once, so nothing waits for it to close.
    await expect
      .poll(() => b.getByTestId('teams-said').textContent())
      .toBe(`Forgot “${TEAM}” on this device.`);
    expect(await ledgerStores(b)).toEqual([]);
    await expect.poll(() => a.getByTestId('team-name').textContent()).toBe('No team');
    expect(await a.getByTestId('team-lost').textContent()).toContain(
      `“${TEAM}” was forgotten on this device in another tab of patchtrail`,
    );
    // Nothing more can be recorded on it in tab A.
    expect(
      await a.getByTestId('act').getByRole('button', { name: 'Apply', exact: true }).count(),
    ).toBe(0);
    await b.close();
  }, 120_000);

  it('lets another tab open the ledger at a newer version at once, and says this tab must reload', async () => {
    const { page: a, fixture, server, browser } = session;
    await joinPlant4(a, fixture, server.url);
    await go(a, 'Inbox');
    // What a newer version of the app would do in another tab: open the store one version up.
    const b = await browser.context.newPage();
    await b.goto(`${server.url}not-the-app.txt`);
    const upgraded = await b.evaluate(async (name) => {
      const { version } = (await indexedDB.databases()).find((d) => d.name === name) ?? {};
      return new Promise<string>((done) => {
        const request = indexedDB.open(name, (version ?? 0) + 1);
        const late = setTimeout(() => done('still blocked after 5 s'), 5000);
        request.onsuccess = () => {
          clearTimeout(late);
          request.result.close();
          done(`upgraded to ${(version ?? 0) + 1}`);
        };
        request.onerror = () => done(String(request.error));
      });
    }, `patchtrail-ledger:${fixture.ledgerId}`);
    expect(upgraded).toBe('upgraded to 3');
    const lost = a.getByTestId('team-lost');
    await expect
      .poll(() => lost.textContent())
      .toContain(`A newer version of patchtrail, opened in another tab, needs “${TEAM}”’s ledger`);
    expect(await lost.getByRole('button', { name: 'Reload' }).count()).toBe(1);
    await b.close();
  });

  it('drops from one tab’s Inbox a bundle the other tab removed', async () => {
    const { page: a, fixture, server, browser } = session;
    await a.goto(server.url);
    await openBundle(a, fixture.bundles.plain);
    const key = fixture.keys.plain;
    const listed = (page: Page) =>
      page.locator(`[data-testid="inbox-item"][data-key="${key}"]`).count();
    await go(a, 'Inbox');
    expect(await listed(a)).toBe(1);

    const b = await browser.context.newPage();
    await b.goto(`${server.url}#/patch/${key}`);
    await b.getByRole('button', { name: 'Remove from this device’s Inbox…' }).click();
    await b.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => listed(a)).toBe(0);
    await a.goto(`${server.url}#/patch/${key}`);
    await expect
      .poll(() => a.locator('main').textContent())
      .toContain('not in this device’s Inbox');
    await b.close();
  });

  it('says plainly that the browser removed the app’s data while it was open, and what to do', async () => {
    const { page: a, fixture, server, browser } = session;
    const origin = new URL(server.url).origin;
    const cdp = await browser.context.newCDPSession(a);
    const clear = () => cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
    await clear(); // what the earlier tests left
    await a.goto(server.url);
    await a.reload();
    await joinPlant4(a, fixture, server.url);
    await openBundle(a, fixture.bundles.reviewed);
    await clear();
    const lost = a.getByTestId('team-lost');
    await expect
      .poll(() => lost.textContent())
      .toContain('This browser removed patchtrail’s data on this device');
    expect(await lost.textContent()).toContain('join your team again with an invitation');
    expect(await lost.getByRole('button', { name: 'Reload' }).count()).toBe(1);
    expect(await a.getByTestId('update-banner').count()).toBe(0);
    // Acting is refused without "Try again": the team is no longer open here.
    expect(
      await a.getByTestId('act').getByRole('button', { name: 'Apply', exact: true }).count(),
    ).toBe(0);
    expect(await a.locator('main').textContent()).not.toContain('Try again');
    await cdp.detach();
  });
});
