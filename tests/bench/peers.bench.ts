/**
 * `npm run bench` (peers): two Chromiums in a loopback-only network namespace, y-webrtc through
 * `npm start`'s signaling server. One entry written in one browser until it is admitted (and so
 * visible) in the other, p50 and p95 over 220 entries, beside a bare Yjs update of the same size
 * over the same connection; the validator's share (arrival → admitted). Then the time for a
 * fresh browser to sync a 10k-entry ledger, beside a bare Y.Map of the same bytes.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { it } from 'vitest';
import {
  bundleTestPage,
  hasChromium,
  launchChromium,
  type LaunchedBrowser,
} from '../e2e/browser.ts';
import { profiled, traced } from './cpu-profile.ts';
import {
  namespaceUnavailable,
  serveInNamespace,
  startNamespace,
  WEBRTC_ON_LOOPBACK,
} from '../e2e/netns.ts';

const ENTRY = fileURLToPath(new URL('./peers-page-entry.ts', import.meta.url));
const WRITES = Number(process.env.PATCHTRAIL_BENCH_WRITES ?? 220);
const LEDGER = Number(process.env.PATCHTRAIL_BENCH_LEDGER ?? 10_000);
const SECRET = 'bench secret';
/** PATCHTRAIL_BENCH_PROFILE=<file>: a CPU profile of the fresh peer's sync (its main thread). */
const PROFILE = process.env.PATCHTRAIL_BENCH_PROFILE;
/** PATCHTRAIL_BENCH_TRACE=<file>: a timeline trace of the same, its long tasks taken apart. */
const TRACE = process.env.PATCHTRAIL_BENCH_TRACE;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (v: number) => `${v.toFixed(1)} ms`;
const line = (name: string, values: number[]) =>
  `  ${name.padEnd(44)} p50 ${ms(percentile(values, 50)).padStart(9)}  p95 ${ms(percentile(values, 95)).padStart(9)}  (n=${values.length})`;

async function until(page: Page, test: () => boolean, what: string): Promise<void> {
  await page.waitForFunction(test, undefined, { timeout: 30_000 }).catch(() => {
    throw new Error(`bench: ${what} did not happen`);
  });
}

it('peers: entry latency and fresh-peer sync over loopback WebRTC', async () => {
  const unavailable = hasChromium ? namespaceUnavailable() : 'Chromium not found';
  if (unavailable !== undefined) {
    console.log(`peers bench skipped: ${unavailable}`);
    return;
  }
  const dir = await bundleTestPage(ENTRY, 'patchtrail peers bench');
  const ns = await startNamespace();
  const server = await serveInNamespace(ns, dir);
  const browsers: LaunchedBrowser[] = [];
  const open = async () => {
    const browser = await launchChromium({ ...WEBRTC_ON_LOOPBACK, executablePath: ns.chromium });
    browsers.push(browser);
    await browser.page.goto(server.url);
    await browser.page.waitForFunction(() => window.patchtrailPeersBench !== undefined);
    return browser.page;
  };
  try {
    const signaling = [server.signalingUrl];
    const [a, b] = await Promise.all([open(), open()]);
    const genesis = await a.evaluate((s) => window.patchtrailPeersBench.join(s), {
      secret: SECRET,
      signaling,
    });
    await b.evaluate((s) => window.patchtrailPeersBench.join(s), {
      genesis,
      secret: SECRET,
      signaling,
    });
    await until(b, () => window.patchtrailPeersBench.connected(), 'a WebRTC connection');

    const sent = await a.evaluate((n) => window.patchtrailPeersBench.writeEntries(n, 15), WRITES);
    const bare = await a.evaluate((n) => window.patchtrailPeersBench.writeBare(n, 600, 15), WRITES);
    await b.waitForTimeout(500);
    const t = await b.evaluate(() => window.patchtrailPeersBench.timings());
    const arrived = new Map(t.arrived);
    const admitted = new Map(t.admitted);
    const bareArrived = new Map(t.bareArrived);
    const visible: number[] = [];
    const validator: number[] = [];
    const transport: number[] = [];
    for (const [id, at] of sent) {
      const got = admitted.get(id);
      const came = arrived.get(id);
      if (got === undefined || came === undefined) throw new Error(`bench: ${id} never arrived`);
      visible.push(got - at);
      validator.push(got - came);
      transport.push(came - at);
    }
    const bareLatency = bare.map(([key, at]) => (bareArrived.get(key) ?? NaN) - at);

    const size = await a.evaluate((n) => window.patchtrailPeersBench.bulk(n), LEDGER - 2 - WRITES);
    // The fresh peers join a room at rest: b has admitted all of them, so both can answer.
    await b.waitForFunction((n) => window.patchtrailPeersBench.size() >= n, size, {
      timeout: 120_000,
    });
    await a.evaluate((s) => window.patchtrailPeersBench.bareRoom('patchtrail-bench-bare', s), {
      secret: SECRET,
      signaling,
    });
    const copied = await a.evaluate(() => window.patchtrailPeersBench.fillBare());
    const [c, d, e] = await Promise.all([open(), open(), open()]);
    const syncFresh = (page: Page, pool: boolean) =>
      page.evaluate(([s, n]) => window.patchtrailPeersBench.syncFresh(s, n, 120_000), [
        { genesis, secret: SECRET, signaling, pool },
        size,
      ] as const);
    const freshContext = browsers.find((x) => x.page === c)?.context as LaunchedBrowser['context'];
    const fresh = await (TRACE !== undefined
      ? traced(freshContext, c, TRACE, () => syncFresh(c, true))
      : PROFILE === undefined
        ? syncFresh(c, true)
        : profiled(
            browsers.find((x) => x.page === c)?.context as LaunchedBrowser['context'],
            c,
            PROFILE,
            () => syncFresh(c, true),
          ));
    const alone = await syncFresh(e, false);
    const bareMs = await d.evaluate(
      ([s, n]) => window.patchtrailPeersBench.syncBare('patchtrail-bench-bare', s, n, 120_000),
      [{ secret: SECRET, signaling }, copied] as const,
    );

    console.log(
      [
        `peers bench: 2 Chromiums, loopback WebRTC in a network namespace, ${WRITES} entries ~15 ms apart`,
        line('written → admitted in the other browser', visible),
        line('bare Yjs update (600 B) over the same link', bareLatency),
        line('  of which: written → update arrived', transport),
        line('  of which: arrived → admitted (validator)', validator),
        `  targets: admitted on arrival ≤ 5 ms p95, visible ≤ 250 ms p95; ratio to bare p50 ${(percentile(visible, 50) / percentile(bareLatency, 50)).toFixed(2)}`,
        `  fresh peer, ${size} entries: ${ms(fresh.ms)} to hold them all verified (store, signatures, chain); bare Y.Map of the same ${copied} values: ${ms(bareMs)}; ratio ${(fresh.ms / bareMs).toFixed(2)}`,
        `  fresh peer's main thread meanwhile: ${fresh.longTasks} long tasks (> 50 ms), the longest ${ms(fresh.longestTaskMs)}; the longest remote Yjs transaction (apply and observers) ${ms(fresh.longestApplyMs)}`,
        `  the same with no worker (every value admitted on the main thread): ${ms(alone.ms)}, ratio to bare ${(alone.ms / bareMs).toFixed(2)}, pool ${(alone.ms / fresh.ms).toFixed(2)} × faster; ${alone.longTasks} long tasks, the longest ${ms(alone.longestTaskMs)}`,
      ].join('\n'),
    );
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await server.close();
    await ns.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 600_000);
