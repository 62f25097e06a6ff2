/**
 * `npm run bench` (reopen), in headless Chromium: a ledger admitted into the app's IndexedDB
 * store, then reopened warm (target ≤ 1.5 s at 100k entries), beside the same bytes loaded as
 * a bare Yjs doc from IndexedDB in the same page (target ≤ 1.5 ×). The ledger's size is
 * PATCHTRAIL_BENCH_REOPEN_ENTRIES (default 20000: admitting 100k first takes minutes on this
 * shared machine); the printed line says what ran and the target at 100k.
 */
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { hasChromium, CHROMIUM_PATH } from '../e2e/browser.ts';
import { openBundledPage } from './chromium-page.ts';
import { benchLedger } from './pool-measure.ts';

const COUNT = Number(process.env.PATCHTRAIL_BENCH_REOPEN_ENTRIES ?? 20_000);
const ENTRY = fileURLToPath(new URL('./reopen-page-entry.ts', import.meta.url));

it('ledger store: warm reopen against a bare Yjs doc of the same bytes (Chromium)', async () => {
  if (!hasChromium) {
    console.log(`reopen bench skipped: ${CHROMIUM_PATH} not found`);
    return;
  }
  const text = await benchLedger(COUNT);
  const bench = await openBundledPage(ENTRY, 'patchtrailReopen');
  try {
    const { page } = bench;
    const loaded = await page.evaluate((t) => window.patchtrailReopen.load(t), text);
    const bytes = await page.evaluate((t) => window.patchtrailReopen.storeYjs(t), text);
    const runs: { store: { ms: number; cached: number }; yjs: { ms: number } }[] = [];
    for (let i = 0; i < 2; i++) {
      const store = await page.evaluate(
        (id) => window.patchtrailReopen.reopen(id),
        loaded.ledgerId,
      );
      const yjs = await page.evaluate(() => window.patchtrailReopen.reopenYjs());
      runs.push({ store, yjs });
    }
    const best = (pick: (r: (typeof runs)[number]) => number) => Math.min(...runs.map(pick));
    const store = best((r) => r.store.ms);
    const yjs = best((r) => r.yjs.ms);
    console.log(
      [
        `ledger store reopen, Chromium, ${loaded.entries} entries (targets at 100k: ≤ 1500 ms, ≤ 1.5 × Yjs):`,
        `  warm reopen from IndexedDB ${store.toFixed(0)} ms (best of 2; ${runs[0]?.store.cached} signatures vouched for by the cache)`,
        `  the same bytes as a bare Yjs doc (${(bytes / 2 ** 20).toFixed(1)} MiB update) ${yjs.toFixed(0)} ms; ratio ${(store / yjs).toFixed(2)}`,
      ].join('\n'),
    );
  } finally {
    await bench.close();
  }
}, 1_200_000);
