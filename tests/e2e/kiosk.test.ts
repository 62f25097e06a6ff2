/**
 * Kiosk mode in real Chromium, against the production build. The team and its admin live in
 * Node (kiosk-fixture.ts); the browser joins by invitation, its register entry travels to the
 * admin as a ledger file, and the admin's endorsement with the `kiosk` role comes back the same
 * way. The kiosk's target is the OPFS workspace "kiosk" and its watched folder the OPFS
 * directory "kiosk-drop" (the same code path as a picked folder); the test drops bundles there
 * and reads what a passer-by sees. A test-only failpoint pauses the OPFS commit between its
 * journal and its replay so the page can be closed mid-apply.
 */
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMMIT_PAUSE_KEY } from '../../src/app/kiosk.ts';
import { expectAccessible } from './accessibility.ts';
import {
  collectPageErrors,
  withoutSignaling,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { kioskWorld, TEAM, type KioskWorld } from './kiosk-fixture.ts';
import {
  exportLedger as exportLedgerFile,
  importLedger as importLedgerFile,
  joinAsKiosk,
  readOpfs,
  registeredAs,
  writeOpfs,
} from './kiosk-steps.ts';

const appConf = (page: Page) => readOpfs(page, ['workspaces', 'kiosk', 'app.conf']);
const journal = (page: Page) =>
  readOpfs(page, ['workspaces', 'kiosk', '.patchtrail', 'txn', 'journal.json']);
const drop = (page: Page, name: string, bytes: Uint8Array) =>
  writeOpfs(page, ['kiosk-drop'], name, bytes);

describeBrowser('kiosk mode (Chromium, production build)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let world: KioskWorld;
  let errors: string[];
  const files: string[] = [];

  const importLedger = (bytes: Uint8Array) => importLedgerFile(page, bytes, files);
  const exportLedger = () => exportLedgerFile(page, files);

  const state = () => page.getByTestId('kiosk-state').getAttribute('data-state');
  const history = () => page.getByTestId('kiosk-history').textContent();

  beforeAll(async () => {
    await ensureWebBuild();
    [server, browser, world] = await Promise.all([serveWebApp(), launchChromium(), kioskWorld()]);
    page = browser.page;
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all(files.map((file) => rm(file, { force: true })));
  });

  it('joins the team, is endorsed as a kiosk by the admin, and enters kiosk mode', async () => {
    await joinAsKiosk(page, world.invitation(server.url), world.file(), files);
    await page.goto(`${server.url}#/kiosk`);
    await page.getByTestId('kiosk-not-eligible').waitFor();
    expect(await page.getByTestId('kiosk-not-eligible').textContent()).toContain('“kiosk” role');

    await page.goto(`${server.url}#/team`);
    const exported = await exportLedger();
    const mine = registeredAs(exported, 'Lobby kiosk');
    expect(mine).toHaveLength(1);
    await world.endorseKiosk(exported, mine[0] ?? '');
    await importLedger(world.file());
    await page.getByTestId('import-report').waitFor();

    await writeOpfs(
      page,
      ['workspaces', 'kiosk'],
      'app.conf',
      new TextEncoder().encode('mode=old\n'),
    );
    await page.goto(`${server.url}#/kiosk`);
    // No admin bound a passkey here: entering says what that means, and asks to be sure.
    const warning = page.getByTestId('kiosk-no-admin-passkey');
    expect(await warning.textContent()).toContain('nobody could leave it');
    await page.getByRole('button', { name: 'Enter kiosk mode' }).click();
    expect(await page.getByTestId('kiosk').count()).toBe(0); // the box is not ticked yet
    await page.getByTestId('kiosk-no-exit-ok').check();
    await page.getByRole('button', { name: 'Enter kiosk mode' }).click();
    await page.getByTestId('kiosk').waitFor();
    await expect.poll(state, { timeout: 15_000 }).toBe('up-to-date');
    expect(await page.getByTestId('kiosk-current').textContent()).toContain('the original version');
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    // Which kiosk, whose: the top bar with the names is gone in kiosk mode.
    expect(await page.getByTestId('kiosk-identity').textContent()).toBe(
      `Kiosk “Lobby kiosk”, of team “${TEAM}”`,
    );
    await expectAccessible(page, 'kiosk board');
  });

  it('applies an allowed bundle from its folder, with its name, files hash and source', async () => {
    await drop(page, 'a-good.json', world.bundles.good);
    await expect
      .poll(() => page.getByTestId('kiosk-current').textContent(), { timeout: 20_000 })
      .toContain('Lobby player 2.0');
    expect(await appConf(page)).toBe('mode=new\n');
    expect(await page.getByTestId('kiosk-current').textContent()).toContain('from its folder');
    // The state and the history follow the apply's record, a moment later on a loaded machine.
    await expect.poll(state).toBe('up-to-date');
    await expect.poll(history).toContain('Applied “Lobby player 2.0”');
    await shoot(page, 'kiosk-up-to-date');
  });

  it('refuses a denied bundle with the reason on screen, and records it', async () => {
    await drop(page, 'b-denied.json', world.bundles.denied);
    const row = page.getByTestId('kiosk-waiting-row').filter({ hasText: 'Untested tweak' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('Refused by the team’s policy');
    // Plain words, each fact once: who failed it (no review lifts it: nothing said missing).
    expect(await row.locator('li').allTextContents()).toEqual([
      'A registered reviewer marked this patch as failing (Rita).',
    ]);
    expect(await row.textContent()).toContain('POLICY_DENIED');
    expect(await state()).toBe('needs-attention');
    await expect.poll(history).toContain('Refused “Untested tweak”');
    // The last update is that refusal: its recorded reasons are not repeated beside the list.
    expect(await page.getByTestId('kiosk-last').getAttribute('data-what')).toBe('rejected');
    expect(await page.getByTestId('kiosk-last-note').count()).toBe(0);
    expect(await appConf(page)).toBe('mode=new\n');
    await shoot(page, 'kiosk-needs-attention');
  });

  it('rolls back a bundle whose post-apply check fails, and records both', async () => {
    await drop(page, 'c-broken.json', world.bundles.broken);
    await expect
      .poll(() => page.getByTestId('kiosk-last').getAttribute('data-what'), { timeout: 20_000 })
      .toBe('rolled-back');
    expect(await page.getByTestId('kiosk-last').textContent()).toContain('POST_APPLY_FAILED');
    expect(await page.getByTestId('kiosk-last').textContent()).toContain('rule health: app.conf');
    expect(await appConf(page)).toBe('mode=new\n');
    const recorded = (await history()) ?? '';
    expect(recorded).toContain('Rolled back “Lobby player 2.1”');
    expect(recorded).toContain('Applied “Lobby player 2.1”');
    expect(await page.getByTestId('kiosk-current').textContent()).toContain('Lobby player 2.0');
  });

  it('cannot be left without the admin confirmation, nor navigated away from, nor reloaded out', async () => {
    await page.getByRole('button', { name: 'Leave kiosk mode (admin)' }).click();
    const refused = page.getByTestId('kiosk-leave-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('needs an admin’s passkey');
    await page.goto(`${server.url}#/inbox`);
    await expect.poll(() => new URL(page.url()).hash).toBe('#/kiosk');
    await page.getByTestId('kiosk').waitFor();
    await page.reload();
    await page.getByTestId('kiosk').waitFor();
    expect(new URL(page.url()).hash).toBe('#/kiosk');
  });

  it('restarts into a consistent target after the page is closed mid-apply, and says which', async () => {
    // Step 1 stages the one new file; step 2 writes the journal (the commit point).
    await page.evaluate((key) => localStorage.setItem(key, '2'), COMMIT_PAUSE_KEY);
    await page.reload();
    await page.getByTestId('kiosk').waitFor();
    await drop(page, 'd-newer.json', world.bundles.newer);
    await expect.poll(() => journal(page), { timeout: 20_000 }).toContain('patchtrail-txn');
    expect(await appConf(page)).toBe('mode=new\n'); // staged and journaled, not yet replayed
    await page.close();

    page = await browser.context.newPage();
    errors.push(...collectPageErrors(page));
    // Lift the failpoint from a plain file of the origin, before the app starts again.
    await page.goto(`${server.url}manifest.webmanifest`);
    await page.evaluate((key) => localStorage.removeItem(key), COMMIT_PAUSE_KEY);
    await page.goto(`${server.url}#/kiosk`);
    const recovery = page.getByTestId('kiosk-recovery');
    await recovery.waitFor({ timeout: 20_000 });
    expect(await recovery.getAttribute('data-outcome')).toBe('all-new');
    expect(await recovery.textContent()).toContain('every file is new');
    expect(await appConf(page)).toBe('mode=newer\n');
    expect(await journal(page)).toBeUndefined();
    await expect
      .poll(() => page.getByTestId('kiosk-current').textContent(), { timeout: 20_000 })
      .toContain('Lobby player 2.2');
    const applied = ((await history()) ?? '').match(/Applied “Lobby player 2\.2”/g) ?? [];
    expect(applied).toHaveLength(1);
    await shoot(page, 'kiosk-recovered');
    // This static server has no signaling: the app's attempts to reach it are expected.
    expect(withoutSignaling(errors)).toEqual([]);
  });
});
