/**
 * Three clients through the relay (`npm run relay`'s server), one of them hostile: two
 * Chromium browsers with separate profiles (no signaling, so the relay is their only link)
 * and a hostile y-websocket client in Node that overwrites, deletes and forges. Both browsers
 * end with every valid entry, the same digest, and the forgeries quarantined.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { makeSeedSigner, signEntry, type Signer } from '../../src/core/index.ts';
import { startRelay, type Relay } from '../../src/server/relay.ts';
import { ENTRIES_MAP } from '../../src/sync/ledger-doc.ts';
import { connectRelay, type RelayTransport } from '../../src/sync/relay.ts';
import { roomNameFor } from '../../src/sync/webrtc.ts';
import { describeBrowser, serveWebApp, type WebServer } from './browser.ts';
import { bundlePeersPage, openPeerPage, type PeerPage } from './peers-harness.ts';

describeBrowser('the relay with two browsers and a hostile client', () => {
  let dir: string | undefined;
  let server: WebServer | undefined;
  let relay: Relay | undefined;
  let pages: PeerPage[] = [];
  let hostile: RelayTransport | undefined;

  beforeAll(async () => {
    dir = await bundlePeersPage();
    [server, relay] = await Promise.all([
      serveWebApp(dir),
      startRelay({ host: '127.0.0.1', port: 0 }),
    ]);
    pages = await Promise.all([openPeerPage(server.url), openPeerPage(server.url)]);
  });
  afterAll(async () => {
    hostile?.destroy();
    await Promise.all(pages.map((p) => p.browser.close()));
    await relay?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every valid entry and quarantines the hostile client’s writes', async () => {
    const [a, b] = pages as [PeerPage, PeerPage];
    const settings = { signaling: [], iceServers: [], relay: relay?.url ?? '' };
    const { ledgerId, genesis } = await a.page.evaluate(() =>
      window.patchtrailPeers.found('relay team'),
    );
    await b.page.evaluate((g) => window.patchtrailPeers.open(g), genesis);
    for (const p of [a, b])
      await p.page.evaluate((st) => window.patchtrailPeers.connect('relay secret', st), settings);

    const doc = new Y.Doc();
    hostile = connectRelay(doc, {
      url: relay?.url ?? '',
      room: await roomNameFor(ledgerId),
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const first = await a.page.evaluate(() => window.patchtrailPeers.append(2, 3));
    expect(await b.page.evaluate((ids) => window.patchtrailPeers.waitFor(ids, 10_000), first)).toBe(
      true,
    );

    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    await expect.poll(() => map.size, { timeout: 10_000 }).toBe(4);
    const victim = await makeSeedSigner(new Uint8Array(32).fill(2));
    const forger = await makeSeedSigner(new Uint8Array(32).fill(99));
    const liar: Signer = { ...victim, sign: forger.sign };
    const fake = await signEntry(liar, {
      ledger: ledgerId,
      seq: 0,
      prev: null,
      refs: [],
      time: '2026-12-06T10:00:00Z',
      kind: 'register',
      body: { name: 'forged' },
    });
    doc.transact(() => {
      for (const key of [...map.keys()]) map.set(key, new TextEncoder().encode('junk'));
      map.set(fake.id, fake.bytes);
    });
    doc.transact(() => map.delete(first[0] ?? ''));
    const second = await b.page.evaluate(() => window.patchtrailPeers.append(3, 2));
    expect(
      await a.page.evaluate((ids) => window.patchtrailPeers.waitFor(ids, 10_000), second),
    ).toBe(true);

    const [sa, sb] = await Promise.all(
      [a, b].map((p) => p.page.evaluate(() => window.patchtrailPeers.snapshot())),
    );
    expect(sa?.ids).toHaveLength(6);
    expect(sb?.ids).toEqual(sa?.ids);
    expect(sb?.digest).toBe(sa?.digest);
    for (const s of [sa, sb]) {
      expect(s?.ids).not.toContain(fake.id);
      expect(s?.state?.relay).toMatchObject({ connected: true });
    }
    // Quarantine rows are stored after admission settles, and the first honest client to read
    // the forgery removes it from the shared map, so the other may never see it: the evidence
    // is kept by one of them, not necessarily by both.
    const forgeryQuarantined = async () => {
      const rows = await Promise.all(
        [a, b].map((p) => p.page.evaluate(() => window.patchtrailPeers.snapshot())),
      );
      return rows.some((r) =>
        r.quarantined.some((q) => q.key === fake.id && q.code === 'INVALID_SIGNATURE'),
      );
    };
    await expect.poll(forgeryQuarantined, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => map.size, { timeout: 10_000 }).toBe(6);
  });
});
