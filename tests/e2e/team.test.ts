/**
 * Found a team, invite a second browser, join, endorse — in real Chromium, two profiles (two
 * devices with their own keys), against the production build. Until the transport lands, the
 * ledger moves between them as a file (the Ledger page's export, the joiner's import): the
 * genesis reaches the joiner that way, the joiner's register entry reaches the admin, and the
 * admin's endorsement comes back. Every hop goes through the validator.
 */
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { expectEscapeReturnsFocus } from './accessibility.ts';
import { go, nameDevice } from './app-steps.ts';

const TEAM = 'Plant 4 maintenance';

/**
 * Exports the ledger from `from` and imports it into `to`. A joiner waiting for the genesis
 * opens the team at once (`opens`), which replaces the import form by the team.
 */
async function carryLedger(from: Page, to: Page, files: string[], opens = false): Promise<void> {
  await go(from, 'Ledger');
  const [download] = await Promise.all([
    from.waitForEvent('download'),
    from.getByRole('button', { name: 'Export the ledger file' }).click(),
  ]);
  const path = await download.path();
  files.push(path);
  await to.getByTestId('ledger-file-input').setInputFiles(path);
  await to.getByTestId(opens ? 'team-title' : 'import-report').waitFor();
}

describeBrowser('found, invite, join and endorse (two Chromium profiles)', () => {
  let server: WebServer;
  let admin: LaunchedBrowser;
  let joiner: LaunchedBrowser;
  let a: Page;
  let b: Page;
  let errors: string[];
  const files: string[] = [];
  let invitation = '';

  beforeAll(async () => {
    await ensureWebBuild();
    [server, admin, joiner] = await Promise.all([
      serveWebApp(),
      launchChromium(),
      launchChromium(),
    ]);
    a = admin.page;
    b = joiner.page;
    errors = [...collectPageErrors(a), ...collectPageErrors(b)];
    const collect = (page: Page) =>
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    collect(a);
    collect(b);
  });
  afterAll(async () => {
    await Promise.all([admin?.close(), joiner?.close()]);
    await server?.close();
    await Promise.all(files.map((file) => rm(file, { force: true })));
  });
  afterEach(() => {
    expect(errors).toEqual([]);
  });

  it('founds a team: this device is its first admin, and the top bar names the team', async () => {
    await a.goto(`${server.url}#/team`);
    await a.getByTestId('onboarding').waitFor();
    expect(await a.getByRole('button', { name: 'Found this team' }).isDisabled()).toBe(true);
    await nameDevice(a, 'Admin laptop');
    await a.getByLabel('Team name').fill(TEAM);
    await a.getByRole('button', { name: 'Found this team' }).click();
    await a.getByTestId('team-title').waitFor();
    expect(await a.getByTestId('team-title').textContent()).toBe(TEAM);
    expect(await a.getByTestId('team-name').textContent()).toBe(TEAM);
    expect(await a.getByTestId('my-standing').getAttribute('data-standing')).toBe('active');
    expect(await a.getByTestId('my-standing').textContent()).toContain('an admin of this team');
    // The app looks for its room at once; this static server has no signaling to find.
    expect(await a.getByTestId('sync-state').getAttribute('data-sync')).toMatch(
      /^(connecting|offline)$/,
    );
  });

  it('shows an invitation as a link and a QR code carrying the ledger id and a 128-bit secret', async () => {
    const invite = a.getByTestId('invite');
    invitation = (await invite.getByTestId('invite-link').inputValue()).trim();
    const url = new URL(invitation);
    expect(url.origin).toBe(new URL(server.url).origin);
    const query = new URLSearchParams(url.hash.replace(/^#\/join\?/, ''));
    expect(query.get('ledger')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(query.get('secret')?.length).toBeGreaterThanOrEqual(22);
    expect(query.get('name')).toBe(TEAM);
    const qr = invite.getByRole('img', { name: 'QR code of the invitation link' });
    expect(await qr.evaluate((svg) => svg.tagName)).toBe('svg');
    expect((await qr.locator('path').getAttribute('d'))?.length).toBeGreaterThan(1000);
    expect(await invite.getByRole('button', { name: 'Copy the invitation link' }).count()).toBe(1);
    await shoot(a, 'team-admin-founded');
  });

  it('joins by the link in a second profile: registered by itself, waiting for the first sync', async () => {
    await b.goto(invitation);
    await b.getByTestId('invitation').waitFor();
    expect(await b.getByTestId('invitation').textContent()).toContain(`Join “${TEAM}”`);
    await shoot(b, 'join-invitation');
    await nameDevice(b, 'Field tablet');
    await b.getByRole('button', { name: 'Join this team' }).click();
    await b.getByTestId('waiting').waitFor();
    expect(await b.getByTestId('team-name').textContent()).toBe(TEAM);
    await shoot(b, 'team-waiting');
  });

  it('gets the genesis from the first sync (a ledger file today) and waits for an admin', async () => {
    await carryLedger(a, b, files, true);
    expect(await b.getByTestId('my-standing').getAttribute('data-standing')).toBe('pending');
    expect(await b.getByTestId('my-standing').textContent()).toContain('Waiting for an admin');
  });

  it('shows the request to the admin, who endorses it with a role and stake', async () => {
    await go(b, 'Team');
    await carryLedger(b, a, files);
    await go(a, 'Team');
    await a.getByTestId('pending-notice').waitFor();
    const tablet = a.getByTestId('member').filter({ hasText: 'Field tablet' });
    expect(await tablet.getAttribute('data-standing')).toBe('pending');
    // Beside the side navigation a 768px window leaves the list about 480px: the row lays
    // itself out by that width, so the standing is never squeezed into a column a word wide.
    const viewport = a.viewportSize();
    for (const width of [768, 1024, 1280]) {
      await a.setViewportSize({ width, height: 900 });
      const standing = await tablet.getByTestId('member-standing').boundingBox();
      expect(standing?.width, `the standing's width at ${width}px`).toBeGreaterThan(100);
      expect(standing?.height, `the standing's height at ${width}px`).toBeLessThan(60);
    }
    if (viewport !== null) await a.setViewportSize(viewport);
    await shoot(a, 'team-admin-pending');
    const endorse = tablet.getByRole('button', { name: 'Endorse…' });
    const dialog = a.getByRole('dialog', { name: 'Endorse Field tablet' });
    // Escape gives focus back to the row's button (it went to <body>).
    await expectEscapeReturnsFocus(a, endorse, dialog);
    await endorse.click();
    // The ledger changing under an open dialog (here the same request imported again, as a
    // sync would bring entries) must not close it.
    const again = await a.getByTestId('import-report').textContent();
    await a.getByTestId('ledger-file-input').setInputFiles(files.at(-1) ?? '');
    await expect.poll(() => a.getByTestId('import-report').textContent()).not.toBe(again);
    expect(await a.getByTestId('import-report').textContent()).toContain('0 new, 3 already here');
    await dialog.getByLabel('Role').fill('reviewer');
    await dialog.getByLabel('Stake').fill('25');
    await shoot(a, 'team-endorse-dialog');
    await dialog.getByRole('button', { name: 'Endorse' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => tablet.getAttribute('data-standing')).toBe('active');
    expect(await tablet.getByTestId('member-roles').textContent()).toBe('reviewer · stake 25');
    expect(await a.getByTestId('pending-notice').count()).toBe(0);
  });

  it('brings the endorsement back to the joiner, who sees its role', async () => {
    await go(b, 'Ledger');
    await carryLedger(a, b, files);
    await go(b, 'Team');
    await expect
      .poll(() => b.getByTestId('my-standing').getAttribute('data-standing'))
      .toBe('active');
    expect(await b.getByTestId('my-standing').textContent()).toBe(
      'This device is endorsed as reviewer (stake 25).',
    );
    // The founder registered its device's name with the genesis: teammates see it by that name.
    const admin = b.getByTestId('member').filter({ hasText: 'Admin laptop' });
    expect(await admin.getAttribute('data-standing')).toBe('active');
    await shoot(b, 'team-joiner-endorsed');
  });

  it('renames the joiner in Settings: recorded on the ledger, and the admin sees the new name', async () => {
    await go(b, 'Settings');
    const form = b.getByTestId('device-identity').locator('form');
    expect(await form.getByRole('status').textContent()).toContain(
      'saving a new one records it on the team ledger',
    );
    await form.getByLabel('Device name').fill('Tablet 7, line 3');
    await form.getByRole('button', { name: 'Save name' }).click();
    await expect
      .poll(() => form.getByRole('status').textContent())
      .toBe('Saved, and recorded on the team ledger.');
    await go(b, 'Team');
    await carryLedger(b, a, files);
    await go(a, 'Team');
    await expect
      .poll(() => a.getByTestId('member').filter({ hasText: 'Tablet 7, line 3' }).count())
      .toBe(1);
  });

  it('revokes the joiner from an earlier entry: its rename stops counting, and it reads revoked', async () => {
    const tablet = a.getByTestId('member').filter({ hasText: 'Tablet 7, line 3' });
    await tablet.getByRole('button', { name: 'Revoke…' }).click();
    const dialog = a.getByRole('dialog', { name: 'Revoke Tablet 7, line 3' });
    const from = dialog.getByLabel('From its entry number');
    // Its register entry (0) and its rename (1): the next would be 2.
    expect(await from.inputValue()).toBe('2');
    expect(await dialog.getByTestId('revoke-from-hint').textContent()).toMatch(
      /^Its entries are numbered 0 to 1, the newest from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; 2 is its next\./,
    );
    await from.fill('1');
    await dialog.getByLabel('Reason (recorded in the ledger)').fill('key copied on 3 March');
    await shoot(a, 'team-revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The rename at entry 1 no longer counts: the device is known by its first name again.
    const revoked = a.getByTestId('member').filter({ hasText: 'Field tablet' });
    await expect.poll(() => revoked.getAttribute('data-standing')).toBe('revoked');
  });

  it('refuses a link that is not an invitation, saying why', async () => {
    await b.goto(`${server.url}#/join?ledger=sha256:12&secret=short`);
    const refused = b.getByTestId('invitation-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('names no ledger');
    expect(await refused.textContent()).toContain('MALFORMED_INPUT');
  });
});
