/**
 * Passkeys in real Chromium with its virtual authenticator (DevTools WebAuthn domain): a device
 * joins a team whose policy counts a review only when it is backed by a passkey, is endorsed as
 * a reviewer, binds a passkey in Settings, and reviews a patch: without the passkey the patch
 * is not allowed, with it the policy in force allows it. The app is served on localhost (an IP
 * address is not a valid WebAuthn RP ID).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  createBundle,
  Ledger,
  makeSeedSigner,
  serializeBundle,
  serializeEntries,
  type Signer,
} from '../../src/core/index.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  shoot,
  WEB_DIST,
  type LaunchedBrowser,
} from './browser.ts';
import { startLocalServer, type LocalServer } from '../../src/server/local-server.ts';
import { expectAccessible } from './accessibility.ts';
import { joinWithLedgerFile } from './join.ts';
import { addVirtualAuthenticator } from './webauthn.ts';

const T = '2026-12-01T09:00:00Z';
const DIFF = '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n';
const POLICY = {
  format: 'urn:patchtrail:policy:v1',
  version: 1,
  name: 'reviews need a passkey',
  rules: [
    {
      id: 'passkey-review',
      kind: 'attestations',
      mode: 'enforce',
      reason: 'reviewed',
      count: 1,
      from: { roles: ['reviewer'] },
      passkey: true,
    },
  ],
};
const seeded = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

/** The team as its admin made it, in Node: an author, the policy; and the author's bundle. */
async function makeTeam() {
  const [admin, author] = [await seeded(51), await seeded(52)];
  const ledger = await Ledger.found(
    admin,
    { name: 'Passkey team', admins: [admin.did], threshold: 1 },
    T,
  );
  await ledger.append(author, 'register', { name: 'Ada (author)' }, T);
  await ledger.append(admin, 'endorse', { subject: author.did, role: 'developer', stake: 1 }, T);
  await ledger.append(admin, 'policy', { version: 1, policy: POLICY }, T);
  const bundle = await createBundle({
    diff: DIFF,
    signer: author,
    reason: 'new mode',
    now: new Date(T),
  });
  return { ledger, admin, bundle: serializeBundle(bundle) };
}

async function verdictState(page: Page): Promise<string | null> {
  return page.getByTestId('verdict').getAttribute('data-state');
}

async function waitForState(page: Page, wanted: (state: string | null) => boolean) {
  for (let i = 0; i < 200; i++) {
    const state = await verdictState(page);
    if (wanted(state)) return state;
    await page.waitForTimeout(100);
  }
  throw new Error(`verdict stayed ${await verdictState(page)}`);
}

describeBrowser('passkeys with Chromium’s virtual authenticator', () => {
  let server: LocalServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];
  let dir: string;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let app: string;

  beforeAll(async () => {
    [team, dir] = await Promise.all([
      makeTeam(),
      mkdtemp(join(tmpdir(), 'patchtrail-passkeys-')),
      ensureWebBuild(),
    ]);
    await writeFile(join(dir, 'team.ledger'), serializeEntries(team.ledger.all()));
    await writeFile(join(dir, 'patch.json'), team.bundle);
    // The local server `npm start` runs: the app looks for its team's room at /signal.
    const local = startLocalServer({ root: WEB_DIST, host: '127.0.0.1', port: 0 });
    [server, browser] = await Promise.all([local, launchChromium()]);
    app = server.url.replace('127.0.0.1', 'localhost');
    page = browser.page;
    errors = collectPageErrors(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(errors).toEqual([]);
  });

  it('joins the team, is endorsed as a reviewer, and binds a passkey in Settings', async () => {
    const joining = { ledgerId: team.ledger.id, name: 'Passkey team' };
    await joinWithLedgerFile(page, app, joining, 'Rita’s laptop', join(dir, 'team.ledger'));
    await page.getByTestId('team-title').waitFor({ timeout: 60_000 });

    await page.goto(`${app}#/settings`);
    const did = await page
      .getByTestId('device-identity')
      .locator('[data-did]')
      .getAttribute('data-did');
    if (did === null) throw new Error('no did on the Settings page');
    await team.ledger.append(
      team.admin,
      'endorse',
      { subject: did, role: 'reviewer', stake: 1 },
      T,
    );
    await writeFile(join(dir, 'endorsed.ledger'), serializeEntries(team.ledger.all()));
    await page.goto(`${app}#/team`);
    await page.getByTestId('ledger-file-input').setInputFiles(join(dir, 'endorsed.ledger'));
    await page.getByTestId('import-report').waitFor({ timeout: 60_000 });

    await addVirtualAuthenticator(page);
    await page.goto(`${app}#/settings`);
    const panel = page.getByTestId('passkeys');
    await expect(
      panel.getByText('No passkey is bound to this device’s identity yet.').isVisible(),
    ).resolves.toBe(true);
    await panel.getByLabel('Passkey name (optional)').fill('Laptop fingerprint');
    await panel.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByTestId('passkey-row').waitFor();
    expect(await page.getByTestId('passkey-row').textContent()).toContain('Laptop fingerprint');
    expect(await page.getByTestId('passkey-outcome').textContent()).toBe(
      'Passkey bound to this device’s identity on the team ledger.',
    );
    await panel.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'Settings with a passkey');
    await shoot(page, 'settings-passkeys');
  }, 180_000);

  it('a policy requiring a passkey-backed review denies a review without one and allows one with it', async () => {
    await page.goto(`${app}#/inbox`);
    await page.getByTestId('file-input').setInputFiles(join(dir, 'patch.json'));
    await page.getByTestId('verdict').waitFor();
    expect(await waitForState(page, (s) => s !== 'judging' && s !== 'no-team')).not.toBe('allowed');

    const form = page.getByTestId('attest-form');
    await form.getByLabel('What you did').selectOption('reviewed');
    await form.getByRole('button', { name: 'Sign and record' }).click();
    await form.getByText('Recorded “reviewed” on the team ledger.').waitFor();
    await page.waitForTimeout(500);
    expect(await verdictState(page)).not.toBe('allowed');
    expect(await page.getByTestId('verdict').textContent()).toContain('backed by a passkey');

    await form.getByLabel('Sign with my passkey too').check();
    await form.getByRole('button', { name: 'Sign and record' }).click();
    await form.getByText('signed with your passkey too').waitFor();
    expect(await waitForState(page, (s) => s === 'allowed')).toBe('allowed');
    await expectAccessible(page, 'Patch detail with a passkey review');
    await form.scrollIntoViewIfNeeded();
    await shoot(page, 'patch-passkey-review');
  }, 180_000);
});
