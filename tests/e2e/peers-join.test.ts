/**
 * The production app over the network, as a team uses it: two Chromium profiles inside a
 * loopback-only network namespace (./netns.ts), served with the signaling server by `npm
 * start`'s server. One founds a team, the other opens the invitation link and joins through the
 * room (the genesis arrives by the first sync, not by a file), the admin endorses it from its
 * Team page, and each sees the other's entries. The Peers screen shows the room, its signaling
 * server, the other device by name with its last sync, and a pairing offer as QR codes; the
 * top bar counts the peer. Settings refuses a signaling address that is not ws:/wss:. With
 * signaling switched off on both, the two pair through the Peers screen by pasted offer and
 * answer, and an endorsement (the witness role) reaches the joiner over that link alone, whose
 * Peers screen then offers to cosign.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectAccessible } from './accessibility.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  shoot,
  watchLongTasks,
  WEB_DIST,
  type LaunchedBrowser,
} from './browser.ts';
import { go, nameDevice } from './app-steps.ts';
import {
  namespaceUnavailable,
  serveInNamespace,
  startNamespace,
  WEBRTC_ON_LOOPBACK,
  type Namespace,
  type NamespacedServer,
} from './netns.ts';

const TEAM = 'Plant 4 maintenance';
const unavailable = namespaceUnavailable();
if (unavailable !== undefined) console.warn(`skipped network join tests: ${unavailable}`);
const needsNetns = it.skipIf(unavailable !== undefined);
// Long enough for a handshake that stalls to be dropped and retried (src/sync/webrtc.ts).
const LONG = { timeout: 40_000 };

describeBrowser('join a team over the network (Chromium, two profiles, loopback only)', () => {
  let ns: Namespace;
  let server: NamespacedServer;
  let admin: LaunchedBrowser;
  let joiner: LaunchedBrowser;
  let a: Page;
  let b: Page;
  let errors: string[] = [];
  let invitation = '';

  beforeAll(async () => {
    if (unavailable !== undefined) return;
    await ensureWebBuild();
    ns = await startNamespace();
    server = await serveInNamespace(ns, WEB_DIST);
    const launch = () => launchChromium({ executablePath: ns.chromium, ...WEBRTC_ON_LOOPBACK });
    [admin, joiner] = await Promise.all([launch(), launch()]);
    a = admin.page;
    b = joiner.page;
    errors = [...collectPageErrors(a), ...collectPageErrors(b)];
  }, 120_000);
  afterAll(async () => {
    await Promise.all([admin?.close(), joiner?.close()]);
    await server?.close();
    await ns?.close();
  });

  needsNetns('founds a team, and the top bar says the room is open with no peers yet', async () => {
    await a.goto(`${server.url}#/team`);
    await nameDevice(a, 'Admin laptop');
    await a.getByLabel('Team name').fill(TEAM);
    await a.getByRole('button', { name: 'Found this team' }).click();
    await a.getByTestId('team-title').waitFor();
    await expect
      .poll(() => a.getByTestId('sync-state').textContent(), LONG)
      .toBe('Online, no peers yet');
    invitation = (await a.getByTestId('invite-link').inputValue()).trim();
  });

  needsNetns('joins by the link: the genesis comes from the room, not from a file', async () => {
    await b.goto(invitation);
    await b.getByTestId('invitation').waitFor();
    await nameDevice(b, 'Field tablet');
    const longTasks = await watchLongTasks(b);
    await b.getByRole('button', { name: 'Join this team' }).click();
    await b.getByTestId('team-title').waitFor(LONG);
    const tasks = await longTasks();
    console.log(
      `join by the room: ${tasks.length} long tasks (> 50 ms) on the joiner's page` +
        (tasks.length > 0 ? `, longest ${Math.max(...tasks).toFixed(0)} ms` : ''),
    );
    expect(await b.getByTestId('team-title').textContent()).toBe(TEAM);
    await expect
      .poll(() => b.getByTestId('my-standing').getAttribute('data-standing'), LONG)
      .toBe('pending');
    await expect
      .poll(() => b.getByTestId('sync-state').textContent(), LONG)
      .toBe('Connected to 1 peer');
  });

  needsNetns(
    'the admin sees the request arrive and endorses it; the joiner sees its role',
    async () => {
      const tablet = a.getByTestId('member').filter({ hasText: 'Field tablet' });
      await tablet.waitFor(LONG);
      expect(await tablet.getAttribute('data-standing')).toBe('pending');
      await tablet.getByRole('button', { name: 'Endorse…' }).click();
      const dialog = a.getByRole('dialog', { name: 'Endorse Field tablet' });
      await dialog.getByLabel('Role').fill('reviewer');
      await dialog.getByLabel('Stake').fill('25');
      await dialog.getByRole('button', { name: 'Endorse' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => tablet.getAttribute('data-standing')).toBe('active');
      await expect
        .poll(() => b.getByTestId('my-standing').textContent(), LONG)
        .toBe('This device is endorsed as reviewer (stake 25).');
    },
  );

  needsNetns(
    'opening the invitation again as a member offers the team, not a second join',
    async () => {
      await b.goto(invitation);
      const member = b.getByTestId('invitation-member');
      await member.waitFor();
      expect(await member.getByRole('heading').textContent()).toBe(
        `This device is already in “${TEAM}”`,
      );
      expect(await b.getByRole('button', { name: 'Join this team' }).count()).toBe(0);
      await member.getByRole('button', { name: `Open “${TEAM}”` }).click();
      await b.getByTestId('team-title').waitFor(LONG);
      expect(await b.getByTestId('my-standing').getAttribute('data-standing')).toBe('active');
    },
  );

  needsNetns('shows the room, its signaling server and the other device by name', async () => {
    await go(a, 'Peers');
    const room = a.getByTestId('room');
    expect(await room.getByTestId('room-name').textContent()).toMatch(/^\S{1,20}…?$/);
    const signaling = room.getByTestId('signaling-server');
    expect(await signaling.getAttribute('data-url')).toBe(server.signalingUrl);
    expect(await signaling.getByTestId('signaling-status').textContent()).toBe('connected');
    const peer = a.getByTestId('peer').filter({ hasText: 'Field tablet' });
    await peer.waitFor(LONG);
    expect(await peer.getAttribute('data-via')).toBe('webrtc');
    expect(await peer.getByTestId('peer-last-sync').textContent()).toMatch(/^last sync /);
    expect(await a.getByRole('heading', { name: 'Connected peers (1)' }).count()).toBe(1);
    await shoot(a, 'peers-connected');
    await expectAccessible(a, 'peers');
  });

  needsNetns('shows a pairing offer as QR codes and text', async () => {
    await a.getByRole('button', { name: 'Show an offer' }).click();
    const offer = a.getByTestId('pair-offer');
    await offer.waitFor(LONG);
    expect(await a.getByTestId('pair-offer-text').inputValue()).toMatch(/^PT1:o:/);
    const codes = await offer.getByRole('img', { name: /^QR code: This device’s offer/ }).count();
    expect(codes).toBeGreaterThan(0);
    expect(codes).toBe(await offer.locator('figure').count());
    await offer.scrollIntoViewIfNeeded();
    await shoot(a, 'peers-pairing-offer');
    await a.getByRole('button', { name: 'Cancel the offer' }).click();
    await offer.waitFor({ state: 'detached' });
  });

  needsNetns(
    'carries the ledger as a file from Peers: export, import with a summary, heads',
    async () => {
      const [download] = await Promise.all([
        a.waitForEvent('download'),
        a.getByRole('button', { name: 'Export the whole ledger' }).click(),
      ]);
      await go(b, 'Peers');
      const files = b.getByTestId('file-sync');
      await files.getByTestId('ledger-file-input').setInputFiles(await download.path());
      const report = files.getByTestId('import-report');
      await report.waitFor();
      // Everything in the file came over the network already; nothing is refused.
      expect(await report.textContent()).toMatch(
        /Imported: 0 new, 4 already here, 0 waiting .*0 refused/,
      );
      const heads = await b.getByTestId('my-heads').inputValue();
      expect(heads).toMatch(/^sha256:[0-9a-f]{64}/);
      await a.getByLabel('A teammate’s heads').fill(heads);
      await a.getByRole('button', { name: 'Export what is new since their heads' }).click();
      expect(await a.getByTestId('export-said').textContent()).toMatch(/-new\.ledger: 0 entries$/);
      await report.scrollIntoViewIfNeeded();
      await shoot(b, 'peers-file-sync');
    },
  );

  needsNetns('refuses a signaling address that is not ws: or wss:, saying which', async () => {
    await go(b, 'Settings');
    const form = b.getByTestId('peer-settings');
    await form.getByLabel(/Signaling servers/).fill('http://192.168.1.20:4173/signal');
    await form.getByRole('button', { name: 'Save peer settings' }).click();
    const said = form.getByTestId('peer-settings-said');
    await said.waitFor();
    expect(await said.textContent()).toContain('Not saved');
    expect(await said.textContent()).toContain('must start with ws: or wss:');
    expect(await said.textContent()).toContain('for this server: "ws://192.168.1.20:4173/signal"');
    await said.scrollIntoViewIfNeeded();
    await shoot(b, 'settings-peers-refused');
  });

  needsNetns('saves a relay and shows it on Peers, with whether it answers', async () => {
    const form = b.getByTestId('peer-settings');
    await form.getByLabel(/Signaling servers/).fill(server.signalingUrl);
    await form.getByLabel(/Relay/).fill('ws://127.0.0.1:9');
    await form.getByRole('button', { name: 'Save peer settings' }).click();
    await expect
      .poll(() => form.getByTestId('peer-settings-said').textContent())
      .toContain('Saved.');
    await go(b, 'Peers');
    const relay = b.getByTestId('relay');
    await relay.waitFor(LONG);
    expect(await relay.textContent()).toContain('ws://127.0.0.1:9');
    expect(await relay.getByTestId('relay-status').textContent()).toBe('not reachable');
    await expect
      .poll(() => b.getByTestId('sync-state').textContent(), LONG)
      .toBe('Connected to 1 peer');
    // The only failures: the relay address that nothing answers.
    expect(errors.filter((e) => !e.includes('ws://127.0.0.1:9/'))).toEqual([]);
  });

  async function noSignaling(page: Page): Promise<void> {
    await go(page, 'Settings');
    const form = page.getByTestId('peer-settings');
    await form.getByLabel(/Signaling servers/).fill('');
    await form.getByLabel(/Relay/).fill('');
    await form.getByRole('button', { name: 'Save peer settings' }).click();
    await expect
      .poll(() => page.getByTestId('sync-state').textContent(), LONG)
      .toBe('Online, no peers yet');
  }

  async function readCode(page: Page, code: string): Promise<void> {
    await page.getByLabel('The other device’s code (an offer or an answer)').fill(code);
    await page.getByRole('button', { name: 'Read this code' }).click();
  }

  needsNetns('pairs without a server by pasted codes, and syncs over that link', async () => {
    await noSignaling(a);
    await noSignaling(b);
    await go(a, 'Peers');
    await go(b, 'Peers');
    await a.getByRole('button', { name: 'Show an offer' }).click();
    await readCode(b, await a.getByTestId('pair-offer-text').inputValue());
    await b.getByTestId('pair-answer').waitFor(LONG);
    await readCode(a, await b.getByTestId('pair-answer-text').inputValue());
    for (const page of [a, b])
      await expect
        .poll(() => page.getByTestId('paired-peer').getAttribute('data-status'), LONG)
        .toBe('connected');
    expect(await a.getByTestId('sync-state').textContent()).toBe('Connected to 1 peer');
    // Once the link is open, both say the pairing is done; the answer's code is gone from B.
    for (const page of [a, b]) await page.getByTestId('pair-done').waitFor(LONG);
    expect(await b.getByTestId('pair-answer').count()).toBe(0);
    await a.getByTestId('peer-list').scrollIntoViewIfNeeded();
    // At every width the row's action keeps its words inside its button (at 768px, beside the
    // side navigation, "Disconnect" ran out of a column too narrow for it).
    const viewport = a.viewportSize();
    const disconnect = a.getByTestId('paired-peer').getByRole('button', { name: 'Disconnect' });
    for (const width of [390, 768, 1024, 1280]) {
      await a.setViewportSize({ width, height: 900 });
      const fits = await disconnect.evaluate((el) => {
        const words = document.createRange();
        words.selectNodeContents(el);
        const [text, box] = [words.getBoundingClientRect(), el.getBoundingClientRect()];
        const panel = el.closest('.panel')?.getBoundingClientRect();
        // Inside its button, and the button inside its panel.
        return (
          text.left >= box.left &&
          text.right <= box.right &&
          panel !== undefined &&
          box.right <= panel.right
        );
      });
      expect(fits, `"Disconnect" fits its button at ${width}px`).toBe(true);
    }
    if (viewport !== null) await a.setViewportSize(viewport);
    await shoot(a, 'peers-paired');

    await go(a, 'Team');
    const tablet = a.getByTestId('member').filter({ hasText: 'Field tablet' });
    await tablet.getByRole('button', { name: 'Endorse…' }).click();
    const dialog = a.getByRole('dialog', { name: 'Endorse Field tablet' });
    await dialog.getByLabel('Role').fill('witness');
    await dialog.getByLabel('Stake').fill('10');
    await dialog.getByRole('button', { name: 'Endorse' }).click();
    await dialog.waitFor({ state: 'detached' });
    const witness = b.getByTestId('witness');
    await witness.waitFor(LONG);
    await witness.getByRole('button', { name: 'Cosign the newest checkpoint' }).click();
    expect(await witness.getByTestId('witness-outcome').getAttribute('data-status')).toBe(
      'nothing',
    );
    await shoot(b, 'peers-witness');
  });
});
