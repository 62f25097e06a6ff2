/**
 * Two browsers with no signaling server pair by an exchanged offer and answer and sync the
 * ledger over a plain RTCPeerConnection data channel, inside a loopback-only network namespace.
 * The offer goes as QR codes (rendered, then read back by the page's QR decoder, as a camera
 * would), the answer as pasted text. Neither page opens a WebSocket, and every
 * RTCPeerConnection has no ICE servers.
 */
import { expect, it } from 'vitest';
import { describeBrowser } from './browser.ts';
import { namespaceUnavailable } from './netns.ts';
import { usePeersInNamespace, type PeerPage } from './peers-harness.ts';

const unavailable = namespaceUnavailable();
if (unavailable !== undefined) console.warn(`skipped pairing browser test: ${unavailable}`);

describeBrowser('pairing without a server (Chromium, loopback namespace)', () => {
  const peers = usePeersInNamespace(2, unavailable);

  it.skipIf(unavailable !== undefined)(
    'pairs by offer (QR) and answer (text), then syncs both ways',
    async () => {
      const [a, b] = peers.pages as [PeerPage, PeerPage];
      const { genesis } = await a.page.evaluate(() => window.patchtrailPeers.found('paired team'));
      await b.page.evaluate((g) => window.patchtrailPeers.open(g), genesis);
      // Past 256 KiB of state (entries of about 500 bytes): the first sync comes in parts.
      const before = await a.page.evaluate(() => window.patchtrailPeers.append(2, 600));

      const offer = await a.page.evaluate(() => window.patchtrailPeers.pairOffer());
      expect(offer.qr).toHaveLength(1); // a loopback offer fits one QR code
      const scanned = await b.page.evaluate(
        (svgs) => window.patchtrailPeers.scanSvgs(svgs),
        offer.qr,
      );
      expect(scanned).toBe(offer.code);
      const answer = await b.page.evaluate(
        (code) => window.patchtrailPeers.pairAnswer(code),
        scanned ?? '',
      );
      await a.page.evaluate((code) => window.patchtrailPeers.pairComplete(code), answer.code);

      const started = Date.now();
      const arrived = await b.page.evaluate(
        (ids) => window.patchtrailPeers.waitFor(ids, 25_000),
        before,
      );
      const took = Date.now() - started;
      // What each side saw, so a slow or failed sync can be told apart: no channel, nothing
      // sent, nothing heard, or arrived but not admitted.
      const seen = () =>
        Promise.all(
          [a, b].map((p) =>
            p.page.evaluate(async () => {
              const { pairState, pairCounters, snapshot } = window.patchtrailPeers;
              const s = await snapshot();
              return {
                pair: pairState(),
                link: pairCounters(),
                held: s?.ids.length,
                parts: s?.partTransactions,
                quarantined: s?.quarantined.length,
                errors: s?.errors,
              };
            }),
          ),
        );
      if (!arrived)
        expect.fail(
          `B did not hold A's ${before.length} entries in 25 s: ${JSON.stringify(await seen())}`,
        );
      // Within a resync (RESYNC_MS, 10 s) a lost message heals; say so when one was needed.
      if (took > 5000)
        console.warn(
          `pairing: B held A's entries after ${took} ms: ${JSON.stringify(await seen())}`,
        );
      const back = await b.page.evaluate(() => window.patchtrailPeers.append(3, 2));
      expect(
        await a.page.evaluate((ids) => window.patchtrailPeers.waitFor(ids, 10_000), back),
      ).toBe(true);
      const [sa, sb] = await Promise.all(
        [a, b].map((p) => p.page.evaluate(() => window.patchtrailPeers.snapshot())),
      );
      expect(sa?.digest).toBe(sb?.digest);
      expect(sb?.partTransactions).toBeGreaterThan(1);
      expect(await a.page.evaluate(() => window.patchtrailPeers.pairState())).toMatchObject({
        status: 'connected',
      });

      for (const p of [a, b]) {
        expect(p.contacted.filter((u) => u.startsWith('ws'))).toEqual([]);
        for (const config of await p.rtcConfigs()) expect(config).toMatchObject({ iceServers: [] });
      }
    },
  );

  it.skipIf(unavailable !== undefined)(
    "the peer's first message is not lost when syncing starts after the channel opened",
    async () => {
      // Chromium dispatches a data channel's messages from a task queue of its own: the peer's
      // first sync message can come before the task that resolves the answer's
      // setRemoteDescription, hence before `sync` is called. Its step 1 lost, the first device
      // never sent its state (seen in CI: B held only the genesis). Here the first device waits
      // 300 ms after the channel opened, so the peer's step 1 has certainly come.
      const [a, b] = peers.pages as [PeerPage, PeerPage];
      const offer = await a.page.evaluate(() => window.patchtrailPeers.linkOffer());
      const answer = await b.page.evaluate((o) => window.patchtrailPeers.linkAnswer(o), offer);
      await a.page.evaluate(
        (code) => window.patchtrailPeers.linkCompleteLate(code, 50, 300),
        answer,
      );
      expect(await b.page.evaluate(() => window.patchtrailPeers.linkHeld(50, 10_000))).toBe(50);
    },
  );
});
