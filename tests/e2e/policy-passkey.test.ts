/**
 * "Publishing a policy needs an admin with a passkey", in real Chromium with its virtual
 * authenticator (DevTools WebAuthn domain), against the production build served on localhost
 * (an IP address is not a valid WebAuthn RP ID). The team is made in Node with two admins: one
 * in Node, and this browser's device; version 1 in force has an `admin-passkey` rule for
 * `policy`. The device joins, binds a passkey in Settings, and publishes version 2 from the
 * Policy screen: the screen says the passkey will be asked for, the authenticator signs, and
 * version 2 is in force. The Node admin then publishes version 3 without a passkey; imported,
 * it does not count, and the screen says why.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Ledger, makeSeedSigner, serializeEntries, type Signer } from '../../src/core/index.ts';
import { startLocalServer, type LocalServer } from '../../src/server/local-server.ts';
import { expectAccessible } from './accessibility.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  shoot,
  WEB_DIST,
  type LaunchedBrowser,
} from './browser.ts';
import { joinWithLedgerFile } from './join.ts';
import { addVirtualAuthenticator } from './webauthn.ts';

const T = '2026-12-01T09:00:00Z';
const policy = (version: number) => ({
  format: 'urn:patchtrail:policy:v1',
  version,
  name: `Admins sign with passkeys (v${version})`,
  rules: [
    { id: 'admins', kind: 'admin-passkey', mode: 'enforce', actions: ['policy'] },
    { id: 'clean', kind: 'not-flagged', mode: 'enforce' },
  ],
});

describeBrowser(
  'publishing a policy with an admin’s passkey (Chromium, virtual authenticator)',
  () => {
    let server: LocalServer;
    let browser: LaunchedBrowser;
    let page: Page;
    let errors: string[];
    let dir: string;
    let app: string;
    let ledger: Ledger;
    let admin: Signer;

    beforeAll(async () => {
      [dir, admin] = await Promise.all([
        mkdtemp(join(tmpdir(), 'patchtrail-policy-passkey-')),
        makeSeedSigner(new Uint8Array(32).fill(61)),
        ensureWebBuild(),
      ]);
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

    it('joins as an admin of a team whose policy needs passkeys, and binds one', async () => {
      await page.goto(`${app}#/settings`);
      const didAt = page.getByTestId('device-identity').locator('[data-did]');
      await didAt.waitFor();
      const did = (await didAt.getAttribute('data-did')) ?? '';
      const genesis = { name: 'Passkey admins', admins: [admin.did, did], threshold: 1 };
      ledger = await Ledger.found(admin, genesis, T);
      await ledger.append(admin, 'policy', { version: 1, policy: policy(1) }, T);
      await writeFile(join(dir, 'team.ledger'), serializeEntries(ledger.all()));
      const joining = { ledgerId: ledger.id, name: 'Passkey admins' };
      await joinWithLedgerFile(page, app, joining, 'Admin laptop', join(dir, 'team.ledger'));
      await page.getByTestId('team-title').waitFor({ timeout: 60_000 });

      await addVirtualAuthenticator(page);
      await page.goto(`${app}#/settings`);
      const panel = page.getByTestId('passkeys');
      await panel.getByLabel('Passkey name (optional)').fill('Admin fingerprint');
      await panel.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByTestId('passkey-row').waitFor({ timeout: 30_000 });
    }, 180_000);

    it('publishes version 2 signed with the passkey, and it is in force', async () => {
      await page.goto(`${app}#/policy`);
      await page.getByTestId('in-force').waitFor();
      const notice = page.getByTestId('publish-passkey');
      await notice.waitFor();
      expect(await notice.textContent()).toContain('publishing asks for yours');
      const publish = page.getByRole('button', { name: 'Sign and publish version 2' });
      await expect.poll(() => publish.isEnabled(), { timeout: 30_000 }).toBe(true);
      await publish.click();
      const outcome = page.getByTestId('publish-outcome');
      await outcome.waitFor({ timeout: 30_000 });
      expect(await outcome.textContent()).toContain('it is now in force');
      await expect
        .poll(() => page.getByTestId('in-force').textContent(), { timeout: 30_000 })
        .toContain('Version 2');
      await expectAccessible(page, 'policy screen, publish needs a passkey');
      await shoot(page, 'policy-publish-passkey');
    }, 120_000);

    it('does not count version 3 published without a passkey, and says why', async () => {
      await ledger.append(admin, 'policy', { version: 3, policy: policy(3) }, T);
      await writeFile(join(dir, 'v3.ledger'), serializeEntries(ledger.all()));
      await page.goto(`${app}#/team`);
      await page.getByTestId('ledger-file-input').setInputFiles(join(dir, 'v3.ledger'));
      await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
      await page.goto(`${app}#/policy`);
      const inForce = page.getByTestId('in-force');
      await expect
        .poll(() => inForce.textContent(), { timeout: 30_000 })
        .toContain('requires an admin’s passkey for policy');
      expect(await inForce.textContent()).toContain('POLICY_DENIED');
      expect(await inForce.textContent()).toContain('Version 2');
      // The app looks for its team's room at /signal on this server: nothing else may fail.
      expect(errors).toEqual([]);
    }, 120_000);
  },
);
