/**
 * The admission row of the pool bench, Node side: cold admission of the bench ledger through
 * the pool against bare WebCrypto verification of the same signatures in as many workers in
 * the same page (target ≥ 0.8 ×), in rounds taken in turns so the machine's load weighs on
 * both alike. Beside the wall-clock ratio, each round's CPU time per entry on every renderer
 * thread group (pool-threads.ts), so the figure can be read on a loaded machine: what the
 * reference spends per signature, and what admission spends on top and where.
 *
 * PATCHTRAIL_BENCH_PROFILE=<file> adds a profiled round of each (main thread and workers);
 * PATCHTRAIL_BENCH_BATCH=<n> sets the admission batch size, PATCHTRAIL_BENCH_AHEAD=<n> the
 * batches in the workers at once.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { heapAfterGc, type BundledPage } from './chromium-page.ts';
import { benchLedger } from './pool-measure.ts';
import { cpuDuring, profileWithWorkers } from './pool-threads.ts';

const ROUNDS = 3;
const PROFILE = process.env.PATCHTRAIL_BENCH_PROFILE;
const BATCH = process.env.PATCHTRAIL_BENCH_BATCH;
const AHEAD = process.env.PATCHTRAIL_BENCH_AHEAD;
const batchOptions = {
  ...(BATCH === undefined ? {} : { batchSize: Number(BATCH) }),
  ...(AHEAD === undefined ? {} : { ahead: Number(AHEAD) }),
};

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const load = () => loadavg()[0]?.toFixed(1) ?? '?';

function addInto(sum: Map<string, number>, cpu: Map<string, number>): void {
  for (const [group, ms] of cpu) sum.set(group, (sum.get(group) ?? 0) + ms);
}

const total = (cpu: Map<string, number>) => [...cpu.values()].reduce((a, b) => a + b, 0);

/** "main 1.2, workers 30.1, …" µs per entry, the groups that spent anything. */
function perEntry(cpu: Map<string, number>, entries: number): string {
  return [...cpu]
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([group, ms]) => `${group} ${((ms * 1000) / entries).toFixed(1)}`)
    .join(', ');
}

async function profiledRounds(bench: BundledPage, entries: number, size: number) {
  const { context, page } = bench.browser;
  const base = `${PROFILE}-${size}w`;
  await page.evaluate(() => window.patchtrailPoolBench.rawPrepare());
  const raw = await profileWithWorkers(context, page, `${base}-raw`, entries, () =>
    page.evaluate(() => window.patchtrailPoolBench.rawRound()),
  );
  const pool = await profileWithWorkers(context, page, `${base}-pool`, entries, () =>
    page.evaluate((o) => window.patchtrailPoolBench.poolRound(o), batchOptions),
  );
  return [
    `  profiled rounds (${base}-*.cpuprofile): bare verify ${raw.result.toFixed(0)} ms, pool ${pool.result.ms.toFixed(0)} ms`,
    '  bare verify:',
    ...raw.lines,
    '  pool admission:',
    ...pool.lines,
  ];
}

const COST_SAMPLE = 4000;
const COST_ROUNDS = 3;

/** The cost breakdown per entry (µs): a pool worker's steps, then the main thread's. */
async function costLines(bench: BundledPage, size: number): Promise<string[]> {
  const costs = await bench.page.evaluate(
    ([n, r]) => window.patchtrailPoolBench.admissionCosts(n, r),
    [COST_SAMPLE, COST_ROUNDS] as const,
  );
  const show = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([step, us]) => `${step} ${us.toFixed(1)}`)
      .join('; ');
  return [
    `  per entry, one thread, steps in turns (best of ${COST_ROUNDS}, first ${COST_SAMPLE} entries, ${size} pool workers idle; µs): in a worker: ${show(costs.worker)}`,
    `  on the main thread: ${show(costs.main)}`,
  ];
}

export async function admissionLines(
  bench: BundledPage,
  count: number,
  size: number,
  mainSample: number,
): Promise<string[]> {
  await writeFile(join(bench.dir, 'ledger.jsonl'), await benchLedger(count));
  const { page } = bench;
  const { profile } = bench.browser;
  const cdp = await bench.browser.context.newCDPSession(page);
  await page.evaluate(() => window.patchtrailPoolBench.release());
  const heapBefore = await heapAfterGc(cdp);
  const entries = await page.evaluate((w) => window.patchtrailPoolBench.admissionStart(w), size);
  const rounds: { rawMs: number; poolMs: number }[] = [];
  const rawCpu = new Map<string, number>();
  const poolCpu = new Map<string, number>();
  const longTasks = { count: 0, longestMs: 0 };
  let checked = 0;
  for (let r = 0; r < ROUNDS; r++) {
    await page.evaluate(() => window.patchtrailPoolBench.rawPrepare());
    const raw = await cpuDuring(profile, () =>
      page.evaluate(() => window.patchtrailPoolBench.rawRound()),
    );
    const pool = await cpuDuring(profile, () =>
      page.evaluate((o) => window.patchtrailPoolBench.poolRound(o), batchOptions),
    );
    addInto(rawCpu, raw.cpu);
    addInto(poolCpu, pool.cpu);
    rounds.push({ rawMs: raw.result, poolMs: pool.result.ms });
    longTasks.count += pool.result.longTasks.count;
    longTasks.longestMs = Math.max(longTasks.longestMs, pool.result.longTasks.longestMs);
    checked = pool.result.checkedInWorkers;
  }
  const extra = PROFILE === undefined ? [] : await profiledRounds(bench, entries, size);
  extra.unshift(...(await costLines(bench, size)));
  const a = await page.evaluate((n) => window.patchtrailPoolBench.admissionEnd(n), mainSample);
  // Read from outside the page, with only the last round's ledger held.
  const heapOpen = await heapAfterGc(cdp);
  await cdp.detach();
  const poolMs = Math.min(...rounds.map((r) => r.poolMs));
  const rawMs = Math.min(...rounds.map((r) => r.rawMs));
  const perSec = (ms: number) => ((entries * 1000) / ms).toFixed(0);
  const n = entries * ROUNDS;
  return [
    `  admission, ${entries} entries, ${size} workers${BATCH === undefined ? '' : `, batches of ${BATCH}`}${AHEAD === undefined ? '' : `, ${AHEAD} in the workers`}, best of ${ROUNDS} rounds in turns: pool ${perSec(poolMs)}/s; bare WebCrypto verify in ${size} workers ${perSec(rawMs)}/s; ratio ${ratio(rawMs, poolMs)} (target ≥ 0.8), round by round ${rounds.map((r) => ratio(r.rawMs, r.poolMs)).join(', ')}; load average ${load()}; signatures checked in workers ${checked}`,
    `  CPU per entry (µs, renderer threads, all rounds): bare verify ${((total(rawCpu) * 1000) / n).toFixed(1)} (${perEntry(rawCpu, n)}); pool admission ${((total(poolCpu) * 1000) / n).toFixed(1)} (${perEntry(poolCpu, n)}); ratio by CPU ${ratio(total(rawCpu), total(poolCpu))}`,
    `  main thread alone ${a.mainThreadPerSec.toFixed(0)}/s (first ${mainSample}), pool ${ratio(entries * 1000, poolMs * a.mainThreadPerSec)} × that; main thread with signatures skipped ${a.signaturesSkippedPerSec.toFixed(0)}/s`,
    `  long tasks during pool admission: ${longTasks.count}, longest ${longTasks.longestMs.toFixed(0)} ms`,
    `  JS heap with the ledger open: ${(heapOpen / 2 ** 20).toFixed(0)} MB used after a garbage collection (${(heapBefore / 2 ** 20).toFixed(0)} MB before loading; target ≤ 250 MB; entry bytes are ArrayBuffers outside this figure)`,
    ...extra,
  ];
}
