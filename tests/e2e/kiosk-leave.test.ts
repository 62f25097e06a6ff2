/**
 * Leaving kiosk mode needs an admin's passkey (issue 14), in real Chromium with its virtual
 * authenticator. The team's admin stays in Node (kiosk-fixture.ts) and is the identity that
 * asserts: standing at the kiosk, the admin makes a passkey on the kiosk browser's own
 * authenticator (the virtual one, as a platform authenticator or a security key plugged into
 * the kiosk would be), and the admin's key signs the `passkey` entry that binds it; the kiosk
 * imports that ledger. The kiosk device itself is not an admin and holds no admin key. With the
 * credential taken off the authenticator, Leave is refused and the kiosk stays on; with the
 * admin's credential back, the assertion verifies against the admin's binding, kiosk mode ends
 * and `#/inbox` is reachable. Served on localhost (an IP address is not a valid RP ID).
 */
import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { register } from '../fixtures/passkeys/generate.ts';
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
import { kioskWorld, type KioskWorld } from './kiosk-fixture.ts';
import {
  exportLedger,
  importLedger as importLedgerFile,
  joinAsKiosk,
  registeredAs,
} from './kiosk-steps.ts';
import {
  addVirtualAuthenticator,
  virtualCredentials,
  type VirtualAuthenticator,
} from './webauthn.ts';

describeBrowser(
  'leaving kiosk mode with an admin’s passkey (Chromium, virtual authenticator)',
  () => {
    let server: WebServer;
    let browser: LaunchedBrowser;
    let page: Page;
    let world: KioskWorld;
    let errors: string[];
    let app: string;
    let auth: VirtualAuthenticator;
    const files: string[] = [];

    const importLedger = (bytes: Uint8Array) => importLedgerFile(page, bytes, files);

    /** Exports the kiosk's ledger file, finds its own key, and has the admin endorse it. */
    async function endorseMe(): Promise<void> {
      await page.goto(`${app}#/team`);
      const exported = await exportLedger(page, files);
      const mine = registeredAs(exported, 'Lobby kiosk');
      expect(mine).toHaveLength(1);
      await world.endorseKiosk(exported, mine[0] ?? '');
    }

    beforeAll(async () => {
      await ensureWebBuild();
      [server, browser, world] = await Promise.all([serveWebApp(), launchChromium(), kioskWorld()]);
      app = server.url.replace('127.0.0.1', 'localhost');
      page = browser.page;
      errors = collectPageErrors(page);
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await Promise.all(files.map((file) => rm(file, { force: true })));
    });

    it('is endorsed as a kiosk, the admin binds a passkey made here, and it enters kiosk mode', async () => {
      await joinAsKiosk(page, world.invitation(app), world.file(), files);
      await endorseMe();

      auth = await addVirtualAuthenticator(page);
      const challenge = new Uint8Array(32).fill(9);
      const registration = await register(page, 'lobby-admin', challenge);
      const origin = new URL(app).origin;
      await world.bindAdminPasskey(registration, {
        ...{ challenge, origin, rpId: 'localhost' },
        name: 'Admin at the lobby',
      });
      await page.goto(`${app}#/team`);
      await importLedger(world.file());
      await page.getByTestId('import-report').waitFor();

      await page.goto(`${app}#/kiosk`);
      // An admin's passkey is bound for this address: no warning, nothing to tick.
      await page.getByRole('button', { name: 'Enter kiosk mode' }).waitFor();
      expect(await page.getByTestId('kiosk-no-admin-passkey').count()).toBe(0);
      await page.getByRole('button', { name: 'Enter kiosk mode' }).click();
      await page.getByTestId('kiosk').waitFor();
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    }, 180_000);

    it('refuses to leave without a usable passkey, and stays a kiosk', async () => {
      const [held] = await virtualCredentials(auth);
      if (held === undefined) throw new Error('the authenticator holds no credential');
      const { authenticatorId } = auth;
      await auth.cdp.send('WebAuthn.removeCredential', {
        ...{ authenticatorId, credentialId: held.credentialId },
      });
      await page.getByRole('button', { name: 'Leave kiosk mode (admin)' }).click();
      const refused = page.getByTestId('kiosk-leave-refused');
      await refused.waitFor({ timeout: 60_000 });
      const why = (await refused.textContent()) ?? '';
      expect(why).toContain('needs an admin’s passkey');
      expect(why).not.toContain('no admin has bound'); // the binding is there; the key is not
      await page.goto(`${app}#/inbox`);
      await expect.poll(() => new URL(page.url()).hash).toBe('#/kiosk');
      await page.getByTestId('kiosk').waitFor();

      await auth.cdp.send('WebAuthn.addCredential', { authenticatorId, credential: held });
    }, 120_000);

    it('leaves with the admin’s passkey, and #/inbox is reachable', async () => {
      await page.getByRole('button', { name: 'Leave kiosk mode (admin)' }).click();
      // Out of kiosk mode the same route shows the setup screen again, with its way back.
      await page.getByRole('button', { name: 'Enter kiosk mode' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('kiosk').count()).toBe(0);
      expect(await page.getByTestId('kiosk-leave-refused').count()).toBe(0);
      await page.getByRole('link', { name: 'Back to the app' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.goto(`${app}#/inbox`);
      await page.getByTestId('file-input').waitFor();
      expect(new URL(page.url()).hash).toBe('#/inbox');
      expect(await page.getByTestId('kiosk').count()).toBe(0);
      await page.reload();
      await page.getByTestId('file-input').waitFor();
      expect(new URL(page.url()).hash).toBe('#/inbox');
      await shoot(page, 'kiosk-left');
      // This static server has no signaling: the app's attempts to reach it are expected.
      expect(errors.filter((e) => !/WebSocket connection to '\S+\/signal' failed/.test(e))).toEqual(
        [],
      );
    }, 120_000);
  },
);
