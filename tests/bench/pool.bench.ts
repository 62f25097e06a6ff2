/**
 * `npm run bench` (worker pool), in headless Chromium, every figure beside its reference
 * measured in the same run with the same number of workers (navigator.hardwareConcurrency):
 *
 * - cold admission of a 100k-entry ledger through the pool, against bare WebCrypto Ed25519
 *   verification of the same signatures in as many workers (target ≥ 0.8 ×), three rounds of
 *   each taken in turns (best of each, and the ratio round by round), with the CPU time per
 *   entry of each renderer thread group, each step's cost per entry on one thread, the long
 *   tasks seen meanwhile and the main thread alone on a sample for context (pool-admission.ts);
 * - the JS heap with that ledger open (target ≤ 250 MB);
 * - Merkle node hashes per second in a worker: the WebAssembly kernel, hash-wasm one call per
 *   node, and `openssl speed -elapsed` for 64-byte SHA-256 (target ≥ 1M/s);
 * - SHA-256 of files in a pool worker against `sha256sum` on the same files: 1 GiB streamed
 *   (target ≥ 0.9 ×, with the browser's resident memory at most 64 MB above where it was), and
 *   256 MiB files (target ≥ 2 ×), one at a time (per-file throughput) and two at once.
 */
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { hasChromium, CHROMIUM_PATH } from '../e2e/browser.ts';
import { openBundledPage, type BundledPage } from './chromium-page.ts';
import { admissionLines } from './pool-admission.ts';
import {
  benchFile,
  browserRss,
  merkleCpuRates,
  opensslSha256PerSec,
  peakRssDuring,
  sha256sum,
} from './pool-measure.ts';
import type { FileRun } from './pool-page-entry.ts';

const COUNT = Number(process.env.PATCHTRAIL_BENCH_ENTRIES ?? 100_000);
const MAIN_SAMPLE = Math.min(COUNT, 10_000);
const ENTRY = fileURLToPath(new URL('./pool-page-entry.ts', import.meta.url));
const MB = 1e6;
/** Which rows to run: PATCHTRAIL_BENCH_ROWS=admission,merkle,files (default all). */
const ROWS = new Set((process.env.PATCHTRAIL_BENCH_ROWS ?? 'admission,merkle,files').split(','));

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const perSec = (n: number) => `${(n / 1e6).toFixed(2)}M/s`;
const mbps = (bytes: number, ms: number) => (bytes / MB / (ms / 1000)).toFixed(0);

async function merkleLines(bench: BundledPage): Promise<string[]> {
  const openssl = await opensslSha256PerSec();
  const m = await bench.page.evaluate(() => window.patchtrailPoolBench.merkle(2 ** 17, 1500));
  const cpu = await merkleCpuRates();
  const opensslCpu = await opensslSha256PerSec(false);
  const reference = typeof openssl === 'number' ? `${perSec(openssl)}` : openssl;
  return [
    `  Merkle node hashes in a worker: kernel (${m.kernel}) ${perSec(m.kernelPerSec)}; hash-wasm one call per node ${perSec(m.hashWasmPerSec)} (kernel ${ratio(m.kernelPerSec, m.hashWasmPerSec)} ×); openssl speed -elapsed 64-byte sha256 ${reference}${typeof openssl === 'number' ? ` (kernel ${ratio(m.kernelPerSec, openssl)} ×)` : ''}; target ≥ 1M/s`,
    `  Merkle root of 131,072 leaf hashes through the pool (posting included): ${perSec(m.poolRootPerSec)}`,
    `  per second of CPU time (Node, this process; openssl's own default), load aside: kernel ${perSec(cpu.kernel)}; hash-wasm one call per node ${perSec(cpu.hashWasm)}; openssl speed 64-byte sha256 ${typeof opensslCpu === 'number' ? perSec(opensslCpu) : opensslCpu}`,
  ];
}

async function hashRuns(bench: BundledPage, paths: string[], parallel: boolean) {
  await bench.page.setInputFiles('input[type=file]', paths);
  const before = await browserRss(bench.browser.profile);
  const work = bench.page.evaluate((p) => window.patchtrailPoolBench.hashPicked(p), parallel);
  const { result, peak } = await peakRssDuring(bench.browser.profile, work);
  return { runs: result as FileRun[], extraMb: (peak - before) / MB };
}

/**
 * The best of `rounds` of the page hashing `paths` and of `sha256sum` on each, taken in turns
 * so a change in the machine's load weighs on both alike; digests must agree.
 */
async function bestOf(bench: BundledPage, paths: string[], rounds: number) {
  let pageMs = Infinity;
  let refMs = Infinity;
  let extraMb = 0;
  let method = '';
  for (let r = 0; r < rounds; r++) {
    const refs: { ms: number; digest: string }[] = [];
    for (const path of paths) refs.push(await sha256sum(path));
    refMs = Math.min(refMs, refs.reduce((n, x) => n + x.ms, 0) / refs.length);
    const { runs, extraMb: extra } = await hashRuns(bench, paths, false);
    runs.forEach((run, i) => {
      if (run.digest.digest !== refs[i]?.digest)
        throw new Error(`bench: ${run.name} digest differs`);
    });
    pageMs = Math.min(pageMs, runs.reduce((n, x) => n + x.ms, 0) / runs.length);
    extraMb = Math.max(extraMb, extra);
    method = `${runs[0]?.digest.method}, ${runs[0]?.digest.engine}`;
  }
  return { pageMs, refMs, extraMb, method };
}

async function fileLines(bench: BundledPage): Promise<string[]> {
  await bench.page.evaluate(() => window.patchtrailPoolBench.addFileInput());
  const big = await benchFile('one-gib.bin', 1024, 1);
  const mids = [await benchFile('a-256-mib.bin', 256, 2), await benchFile('b-256-mib.bin', 256, 3)];
  const g = await bestOf(bench, [big], 2);
  const m = await bestOf(bench, mids, 2);
  const together = await hashRuns(bench, mids, true);
  const wallMs = Math.max(...together.runs.map((r) => r.ms));
  return [
    `  SHA-256, 1 GiB (${g.method}), best of 2 in turns with sha256sum: ${mbps(2 ** 30, g.pageMs)} MB/s; sha256sum ${mbps(2 ** 30, g.refMs)} MB/s; ratio ${ratio(g.refMs, g.pageMs)} (target ≥ 0.9); browser memory +${g.extraMb.toFixed(0)} MB at peak (target ≤ 64)`,
    `  SHA-256, 256 MiB files (${m.method}), one at a time, best of 2: ${mbps(2 ** 28, m.pageMs)} MB/s per file; sha256sum ${mbps(2 ** 28, m.refMs)} MB/s; ratio ${ratio(m.refMs, m.pageMs)} (target ≥ 2); browser memory +${m.extraMb.toFixed(0)} MB at peak; two at once ${mbps(2 ** 29, wallMs)} MB/s in all (${ratio(2 * m.refMs, wallMs)} × sha256sum one after the other)`,
  ];
}

it('worker pool: admission, heap, Merkle hashing, file hashing (Chromium)', async () => {
  if (!hasChromium) {
    console.log(`worker pool bench skipped: ${CHROMIUM_PATH} not found`);
    return;
  }
  const bench = await openBundledPage(ENTRY, 'patchtrailPoolBench', [
    '--js-flags=--expose-gc',
    '--enable-precise-memory-info',
  ]);
  try {
    const workers = await bench.page.evaluate(() => window.patchtrailPoolBench.workers);
    const lines = [
      `worker pool bench, Chromium, ${workers} workers (navigator.hardwareConcurrency)`,
    ];
    if (ROWS.has('admission')) {
      lines.push(...(await admissionLines(bench, COUNT, workers, MAIN_SAMPLE)));
      // The main thread admits beside the workers: with one worker fewer it has a core of its own.
      if (workers > 1)
        lines.push(...(await admissionLines(bench, COUNT, workers - 1, MAIN_SAMPLE)));
    }
    if (ROWS.has('merkle')) lines.push(...(await merkleLines(bench)));
    if (ROWS.has('files')) lines.push(...(await fileLines(bench)));
    console.log(lines.join('\n'));
  } finally {
    await bench.close();
  }
}, 3_600_000);
