/**
 * Forgetting a team on this device (Settings), in real Chromium against the production build: a
 * device that founded a team and then joined a room that never answers (a mistyped invitation)
 * forgets that one, is back in its own team, and its copy of that ledger is gone; forgetting
 * its own team asks first, and leaves the device with no team and no ledger store.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { invitationLink } from '../../src/core/ledger/invitation.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
  withoutSignaling,
} from './browser.ts';
import { expectFocused } from './accessibility.ts';
import { go, nameDevice } from './app-steps.ts';

const TEAM = 'Harbour crew';
const BOGUS = `sha256:${'ab'.repeat(32)}`;

/** A mistyped invitation: a ledger nobody holds, so a device joining it waits for ever. */
const bogusInvitation = (app: string) =>
  invitationLink(app, {
    ledgerId: BOGUS,
    roomSecret: 'bm8tb25lLWhvbGRzLXRoaXMtcm9vbQ',
    signaling: [],
    name: TEAM,
  });

/** The names of this origin's ledger stores in IndexedDB. */
const ledgerStores = (page: Page) =>
  page.evaluate(async () =>
    (await indexedDB.databases())
      .map((d) => d.name ?? '')
      .filter((name) => name.startsWith('patchtrail-ledger:'))
      .sort(),
  );

describeBrowser('forgetting a team on this device (Chromium, production build)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];
  let founded = '';

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    page = browser.page;
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('forgets a room that never answers, and is back in its own team', async () => {
    await page.goto(`${server.url}#/team`);
    await page.getByTestId('onboarding').waitFor();
    await nameDevice(page, 'Dock tablet');
    await page.getByLabel('Team name').fill(TEAM);
    await page.getByRole('button', { name: 'Found this team' }).click();
    await page.getByTestId('team-title').waitFor();
    [founded = ''] = await ledgerStores(page);
    expect(founded).toMatch(/^patchtrail-ledger:sha256:/);

    // A mistyped invitation: a ledger nobody holds, so the device waits for it for ever.
    const link = bogusInvitation(server.url);
    await page.goto(link);
    await page.getByRole('button', { name: 'Join this team' }).click();
    await page.getByTestId('waiting').waitFor();

    await go(page, 'Settings');
    const held = page.getByTestId('team-held');
    expect(await held.count()).toBe(2);
    const bogus = held.filter({ hasText: BOGUS.slice(7, 19) });
    await bogus.getByRole('button', { name: 'Forget…' }).click();
    const dialog = page.getByRole('dialog', { name: `Forget “${TEAM}” on this device?` });
    expect(await dialog.getByTestId('forget-warning').textContent()).toContain('export it first');
    await shoot(page, 'forget-team');
    await dialog.getByRole('button', { name: 'Forget the team' }).click();
    await expect
      .poll(() => page.getByTestId('teams-said').textContent())
      .toBe(`Forgot “${TEAM}” on this device.`);
    expect(await held.count()).toBe(1);
    await expect.poll(() => page.getByTestId('team-name').textContent()).toBe(TEAM);
    await go(page, 'Team');
    await page.getByTestId('team-title').waitFor();
    expect(await ledgerStores(page)).toEqual([founded]);
  });

  it('keeps the team when Cancel is pressed while the forget waits for work in progress', async () => {
    await go(page, 'Settings');
    const held = page.getByTestId('team-held');
    // Work in progress, as an apply in another tab holds it: the app's busy lock, shared.
    await page.evaluate(() => {
      const w = window as unknown as { releaseBusy?: () => void };
      void navigator.locks.request(
        'patchtrail:busy',
        { mode: 'shared' },
        () => new Promise<void>((done) => (w.releaseBusy = done)),
      );
    });
    await held.getByRole('button', { name: 'Forget…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Forget the team' }).click();
    await dialog.getByTestId('forget-waiting').waitFor();
    expect(await dialog.getByTestId('forget-waiting').textContent()).toContain('Cancel keeps it.');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The work ends: the withdrawn forget does not run after it.
    await page.evaluate(() => (window as unknown as { releaseBusy: () => void }).releaseBusy());
    await page.waitForTimeout(1000);
    expect(await held.count()).toBe(1);
    expect(await page.getByTestId('team-name').textContent()).not.toBe('No team');
    expect((await ledgerStores(page)).length).toBe(1);
  });

  it('forgets its own team after asking: no team, no ledger store, and a reload agrees', async () => {
    await go(page, 'Settings');
    const held = page.getByTestId('team-held');
    await held.getByRole('button', { name: 'Forget…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await held.count()).toBe(1);
    const forget = held.getByRole('button', { name: 'Forget…' });
    await expectFocused(forget);
    await held.getByRole('button', { name: 'Forget…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Forget the team' }).click();
    await expect.poll(() => held.count()).toBe(0);
    await expect.poll(() => page.getByTestId('team-name').textContent()).toBe('No team');
    await expect.poll(() => ledgerStores(page)).toEqual([]);
    await page.reload();
    await expect.poll(() => page.getByTestId('team-name').textContent()).toBe('No team');
    // Back to joining: an invitation pasted with the message it came in opens as the link.
    await go(page, 'Team');
    const link = bogusInvitation(server.url);
    await page.getByLabel('Invitation link').fill(`Hi, join us:\n${link} thanks!`);
    await page.getByRole('button', { name: 'Open the invitation' }).click();
    await expect
      .poll(() => page.getByTestId('invitation').getByRole('heading').textContent())
      .toBe(`Join “${TEAM}”`);
    // The app looks for its room at once; this static server has no signaling to find.
    expect(withoutSignaling(errors)).toEqual([]);
  });
});
