/**
 * `npm run bench` (reopen), in headless Chromium: a ledger admitted into the app's IndexedDB
 * store, then reopened warm (target ≤ 1.5 s at 100k entries), beside the same bytes loaded as
 * a bare Yjs doc from IndexedDB in the same page (target ≤ 1.5 ×), interleaved, three runs
 * each; wall clock and the page's main-thread task time (CDP Performance metrics, the
 * browser's CPU figure for that thread). Then the JS heap with the reopened ledger held open
 * (after a garbage collection, beside the page's heap before anything was loaded; target
 * ≤ 250 MB at 100k), and the entries' bytes, which live outside the JS heap in the segments'
 * buffers; and the heap of the same ledger just admitted (not reopened), held open the same
 * way. The ledger's size is PATCHTRAIL_BENCH_REOPEN_ENTRIES (default 20000: admitting 100k
 * first takes minutes on this shared machine). PATCHTRAIL_BENCH_PROFILE=<file> writes a
 * CPU profile of one more reopen and prints where its time goes.
 */
import { fileURLToPath } from 'node:url';
import type { CDPSession } from 'playwright-core';
import { it } from 'vitest';
import { hasChromium, CHROMIUM_PATH } from '../e2e/browser.ts';
import { heapAfterGc, openBundledPage } from './chromium-page.ts';
import { profiled } from './cpu-profile.ts';
import { benchLedger } from './pool-measure.ts';

const COUNT = Number(process.env.PATCHTRAIL_BENCH_REOPEN_ENTRIES ?? 20_000);
const ENTRY = fileURLToPath(new URL('./reopen-page-entry.ts', import.meta.url));
/** Where to write a CPU profile of one more warm reopen (Chromium's Profiler), if anywhere. */
const PROFILE = process.env.PATCHTRAIL_BENCH_PROFILE;
const RUNS = 5;
const MB = 2 ** 20;

/**
 * Main-thread task time (ms) spent in `step`, by the page's own metrics. Each step starts from
 * a collected heap, so none pays for the garbage the one before it left (a closed ledger).
 */
async function taskTime<T>(cdp: CDPSession, step: () => Promise<T>): Promise<[T, number]> {
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  };
  await cdp.send('HeapProfiler.collectGarbage');
  const before = await read();
  const result = await step();
  return [result, ((await read()) - before) * 1000];
}

const range = (values: number[], digits = 0) => {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return low === high ? low.toFixed(digits) : `${low.toFixed(digits)}–${high.toFixed(digits)}`;
};

it('ledger store: warm reopen against a bare Yjs doc of the same bytes (Chromium)', async () => {
  if (!hasChromium) {
    console.log(`reopen bench skipped: ${CHROMIUM_PATH} not found`);
    return;
  }
  const text = await benchLedger(COUNT);
  const bench = await openBundledPage(ENTRY, 'patchtrailReopen');
  try {
    const { page } = bench;
    const cdp = await bench.browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapBefore = await heapAfterGc(cdp);
    // Admitted in this session (every line checked), held open: its heap beside a reopen's.
    const loaded = await page.evaluate((t) => window.patchtrailReopen.load(t, true), text);
    const heapAdmitted = await heapAfterGc(cdp);
    await page.evaluate(() => window.patchtrailReopen.release());
    const bytes = await page.evaluate((t) => window.patchtrailReopen.storeYjs(t), text);
    type StoreRun = { ms: number; readMs: number; rebuildMs: number; cpu: number } & {
      cached: number;
      fromWorker: number;
      longestTaskMs: number;
    };
    const store: StoreRun[] = [];
    const here: StoreRun[] = [];
    const yjs: { ms: number; cpu: number }[] = [];
    const reopen = async (inWorker: boolean): Promise<StoreRun> => {
      const [s, cpu] = await taskTime(cdp, () =>
        page.evaluate(([id, w]) => window.patchtrailReopen.reopen(id, w), [
          loaded.ledgerId,
          inWorker,
        ] as const),
      );
      return { ...s, cpu };
    };
    for (let i = 0; i < RUNS; i++) {
      store.push(await reopen(true));
      here.push(await reopen(false));
      const [y, yCpu] = await taskTime(cdp, () =>
        page.evaluate(() => window.patchtrailReopen.reopenYjs()),
      );
      yjs.push({ ...y, cpu: yCpu });
    }
    if (PROFILE !== undefined)
      await profiled(bench.browser.context, page, PROFILE, () =>
        page.evaluate((id) => window.patchtrailReopen.reopen(id, true), loaded.ledgerId),
      );
    const held = await page.evaluate((id) => window.patchtrailReopen.hold(id), loaded.ledgerId);
    const heapOpen = await heapAfterGc(cdp);
    await page.evaluate(() => window.patchtrailReopen.release());
    const ratiosOf = (runs: StoreRun[]) => ({
      wall: range(
        runs.map((s, i) => s.ms / (yjs[i]?.ms ?? 1)),
        2,
      ),
      cpu: range(
        runs.map((s, i) => s.cpu / (yjs[i]?.cpu ?? 1)),
        2,
      ),
    });
    const lines = (name: string, runs: StoreRun[], read: string) => {
      const ratio = ratiosOf(runs);
      return [
        `  ${name}: ${range(runs.map((s) => s.ms))} ms wall (best ${Math.min(...runs.map((s) => s.ms)).toFixed(0)}), main-thread tasks ${range(runs.map((s) => s.cpu))} ms; ${runs[0]?.cached} entries restored from vouched segments${runs[0]?.fromWorker ? `, ${runs[0].fromWorker} segments read in a worker` : ''}`,
        `    of which: ${read} ${range(runs.map((s) => s.readMs))} ms, then restoring ${range(runs.map((s) => s.rebuildMs - s.readMs))} ms, the rest (opening the database and the genesis) ${range(runs.map((s) => s.ms - s.rebuildMs))} ms`,
        `    ratio to the bare Yjs doc, run by run (in turns): wall ${ratio.wall}, main-thread tasks ${ratio.cpu}; longest task ${range(runs.map((s) => s.longestTaskMs))} ms`,
      ];
    };
    console.log(
      [
        `ledger store reopen, Chromium, ${loaded.entries} entries (targets at 100k: ≤ 1500 ms, ≤ 1.5 × Yjs, heap ≤ 250 MB), ${RUNS} runs of each in turns:`,
        ...lines(
          'warm reopen as the app does it (segments read and their digests checked in a pool worker)',
          store,
          'listing the segments',
        ),
        ...lines(
          'warm reopen with every segment read on the main thread',
          here,
          'reading the segments (digests then checked off the thread while restoring)',
        ),
        `  the same bytes as a bare Yjs doc (${(bytes / MB).toFixed(1)} MiB update) ${range(yjs.map((y) => y.ms))} ms wall, main-thread tasks ${range(yjs.map((y) => y.cpu))} ms`,
        `  JS heap with the ledger open ${(heapOpen / MB).toFixed(0)} MB (page before loading: ${(heapBefore / MB).toFixed(0)} MB); entry bytes outside the heap, in segment buffers: ${(held.segmentBytes / MB).toFixed(0)} MB`,
        `  JS heap with the same ledger just admitted, every entry checked, before any reopen: ${(heapAdmitted / MB).toFixed(0)} MB`,
      ].join('\n'),
    );
    await cdp.detach();
  } finally {
    await bench.close();
  }
}, 3_600_000);
