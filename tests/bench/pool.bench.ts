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
 *   256 MiB files (target ≥ 2 ×), one at a time (per-file throughput) and two at once; beside
 *   them, hash-wasm on the same streaming path in a reference worker (what the kernel replaced).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { hasChromium, CHROMIUM_PATH } from '../e2e/browser.ts';
import { openBundledPage, type BundledPage } from './chromium-page.ts';
import { admissionLines } from './pool-admission.ts';
import {
  benchFile,
  browserCpuMs,
  browserRss,
  childCpuMs,
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
  const cpu = await browserCpuMs(bench.browser.profile);
  const work = bench.page.evaluate((p) => window.patchtrailPoolBench.hashPicked(p), parallel);
  const { result, peak } = await peakRssDuring(bench.browser.profile, work);
  const cpuMs = (await browserCpuMs(bench.browser.profile)) - cpu;
  return { runs: result as FileRun[], extraMb: (peak - before) / MB, cpuMs };
}

/** The same files streamed through hash-wasm in the reference worker, one after the other. */
async function hashWasmRuns(bench: BundledPage, paths: string[]) {
  await bench.page.setInputFiles('input[type=file]', paths);
  const cpu = await browserCpuMs(bench.browser.profile);
  const runs = await bench.page.evaluate(() =>
    window.patchtrailPoolBench.hashPickedInReference('hash-wasm'),
  );
  return { runs, cpuMs: (await browserCpuMs(bench.browser.profile)) - cpu };
}

/** `sha256sum` on each file: wall-clock ms and digest of each, and the CPU ms of them all. */
async function sha256sumRuns(paths: string[]) {
  const cpu = childCpuMs();
  const refs: { ms: number; digest: string }[] = [];
  for (const path of paths) refs.push(await sha256sum(path));
  return { refs, cpuMs: childCpuMs() - cpu };
}

interface Turns {
  /** Mean wall-clock ms per file, one figure per round. */
  ms: number[];
  /** CPU ms (the browser's processes, or sha256sum's) per file, one figure per round. */
  cpuMs: number[];
}

const mean = (xs: { ms: number }[]) => xs.reduce((n, x) => n + x.ms, 0) / xs.length;

/**
 * `rounds` rounds, in turns so a change in the machine's load weighs on all alike, of
 * `sha256sum` on `paths`, of the page hashing them in the pool (the SHA-256 kernel) and of
 * hash-wasm on the same streaming path in a reference worker; digests must agree.
 */
async function inTurns(bench: BundledPage, paths: string[], rounds: number) {
  const pool: Turns = { ms: [], cpuMs: [] };
  const ref: Turns = { ms: [], cpuMs: [] };
  const wasm: Turns = { ms: [], cpuMs: [] };
  let extraMb = 0;
  let method = '';
  for (let r = 0; r < rounds; r++) {
    const sums = await sha256sumRuns(paths);
    const page = await hashRuns(bench, paths, false);
    const other = await hashWasmRuns(bench, paths);
    paths.forEach((path, i) => {
      const want = sums.refs[i]?.digest;
      if (page.runs[i]?.digest.digest !== want || other.runs[i]?.digest !== want)
        throw new Error(`bench: ${path} digest differs`);
    });
    ref.ms.push(mean(sums.refs));
    ref.cpuMs.push(sums.cpuMs / paths.length);
    pool.ms.push(mean(page.runs));
    pool.cpuMs.push(page.cpuMs / paths.length);
    wasm.ms.push(mean(other.runs));
    wasm.cpuMs.push(other.cpuMs / paths.length);
    extraMb = Math.max(extraMb, page.extraMb);
    method = `${page.runs[0]?.digest.method}, ${page.runs[0]?.digest.engine}`;
  }
  return { pool, ref, wasm, extraMb, method };
}

const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
/** MB/s over the rounds, best first, then the range: `bytes` per file. */
const rates = (bytes: number, ms: number[]) => {
  const r = ms.map((m) => bytes / MB / (m / 1000));
  return `${Math.max(...r).toFixed(0)} MB/s (rounds ${Math.min(...r).toFixed(0)}–${Math.max(...r).toFixed(0)})`;
};

function fileLine(label: string, bytes: number, t: Awaited<ReturnType<typeof inTurns>>) {
  const best = (xs: number[]) => Math.min(...xs);
  const byCpu = t.wasm.cpuMs.map((ms, i) => ms / (t.pool.cpuMs[i] as number));
  return [
    `  SHA-256, ${label} (${t.method}), ${t.pool.ms.length} rounds in turns: pool ${rates(bytes, t.pool.ms)}; sha256sum ${rates(bytes, t.ref.ms)}; ratio ${ratio(best(t.ref.ms), best(t.pool.ms))} (round by round ${spread(t.ref.ms.map((ms, i) => ms / (t.pool.ms[i] as number)))})`,
    `    per CPU-second (the browser's processes; sha256sum's own): pool ${rates(bytes, t.pool.cpuMs)}; sha256sum ${rates(bytes, t.ref.cpuMs)}; hash-wasm on the same path (reference worker) ${rates(bytes, t.wasm.cpuMs)}, wall ${rates(bytes, t.wasm.ms)}; kernel ÷ hash-wasm per CPU-second round by round ${spread(byCpu)}; browser memory +${t.extraMb.toFixed(0)} MB at peak`,
  ];
}

async function fileLines(bench: BundledPage): Promise<string[]> {
  await bench.page.evaluate(() => window.patchtrailPoolBench.addFileInput());
  const big = await benchFile('one-gib.bin', 1024, 1);
  const mids = [await benchFile('a-256-mib.bin', 256, 2), await benchFile('b-256-mib.bin', 256, 3)];
  const rounds = Number(process.env.PATCHTRAIL_BENCH_FILE_ROUNDS ?? 3);
  const g = await inTurns(bench, [big], rounds);
  const m = await inTurns(bench, mids, rounds);
  const together = await hashRuns(bench, mids, true);
  const wallMs = Math.max(...together.runs.map((r) => r.ms));
  const mRef = Math.min(...m.ref.ms);
  const mem = await bench.page.evaluate(
    (r) => window.patchtrailPoolBench.hashMemoryRates(256, r),
    rounds,
  );
  const memRatios = mem.hashWasmMs.map((ms, i) => ms / (mem.kernelMs[i] as number));
  return [
    `  SHA-256 of 256 MiB in memory in a worker, ${rounds} rounds in turns: kernel ${rates(2 ** 28, mem.kernelMs)}; hash-wasm ${rates(2 ** 28, mem.hashWasmMs)}; kernel ÷ hash-wasm round by round ${spread(memRatios)}`,
    ...fileLine('1 GiB streamed (target ≥ 0.9 × sha256sum, memory ≤ +64 MB)', 2 ** 30, g),
    ...fileLine('256 MiB files one at a time (target ≥ 2 × sha256sum)', 2 ** 28, m),
    `  SHA-256, the two 256 MiB files at once: ${mbps(2 ** 29, wallMs)} MB/s in all (${ratio(2 * mRef, wallMs)} × sha256sum one after the other); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  ];
}

it('worker pool: admission, heap, Merkle hashing, file hashing (Chromium)', async () => {
  if (!hasChromium) {
    console.log(`worker pool bench skipped: ${CHROMIUM_PATH} not found`);
    return;
  }
  const bench = await openBundledPage(ENTRY, 'patchtrailPoolBench');
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
