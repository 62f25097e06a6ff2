/**
 * `npm run bench`: the whole real-world corpus (tests/fixtures/corpus, built by
 * scripts/corpus/build-corpus.sh) applied in process through `applyDiff` on the Node
 * filesystem tree, beside GNU patch applying the same patches to its own copy in the same run,
 * as a ratio. Each package's trees are compared at the end, so a fast wrong answer does not
 * pass. What each side pays for, per patch:
 *   - ours: everything `applyDiff` does, as the CLI uses it (a fresh `makeNodeTree` with a
 *     stat cache outside the target): parse, recovery check, tree hash before (every file
 *     listed and stat'ed, and read when its stat changed since it was last hashed: the first
 *     patch of a package reads every file, as a first apply to a target does) and after (the
 *     files written, read back), path safety, hunks, and the crash-safe commit: staged files,
 *     a journal, and fsyncs so that it also survives a power loss.
 *   - GNU patch: starting one process per patch, as it is used (the "startup" line times
 *     `patch --version` as often, for scale), then read, patch, write a temporary file and
 *     rename it over each file; no fsync, no tree hash, and not all or nothing across files.
 *     GNU patch and ours alternate patch by patch, so ours' fsyncs also flush what GNU patch
 *     left unwritten: on ext4 a fsync commits the whole filesystem journal.
 *   - "no fsync": ours again, in a second pass over a third copy, with `durable: false`, to
 *     show what durability costs; all else (journal, staging, hashing) is unchanged.
 * Wall clock is what the target is about; "CPU ours/GNU" sets ours' CPU time (this process,
 * its threadpool included) against GNU patch's (its processes), which a loaded machine
 * distorts less.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { it } from 'vitest';
import { makeNodeTree } from '../../src/cli/node-tree.ts';
import { applyDiff } from '../../src/core/diff/apply.ts';
import {
  BUILD_HINT,
  CORPUS_DIR,
  gnuPatchArgs,
  loadCorpus,
  selectRuns,
  type Corpus,
  type CorpusPatch,
  type PackageRun,
} from '../corpus/manifest.ts';
import { compareTrees, copyTree, removeTree } from '../corpus/trees.ts';

interface PackageTiming {
  name: string;
  patches: number;
  oursMs: number;
  noFsyncMs: number;
  gnuMs: number;
  startupMs: number;
  /** CPU time (user + system): ours in this process, GNU patch in its child processes. */
  oursCpuMs: number;
  gnuCpuMs: number;
  /** Patches applyDiff refused (not timed), and how its final tree differs from GNU patch's. */
  problems: string[];
}

/**
 * CPU time of this process's waited-for children, in ms (Linux: cutime + cstime in
 * /proc/self/stat, in clock ticks of 10 ms; summed over hundreds of runs, the ticks even out).
 */
function childrenCpuMs(): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // fields 16 and 17 of proc(5)
}

/** The CPU time (user + system) of this process, threadpool included, in ms. */
function ownCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

function gnuPatch(
  corpus: Corpus,
  patch: CorpusPatch,
  patchFile: string,
  dir: string,
): { ms: number; cpuMs: number } {
  const [started, cpu] = [performance.now(), childrenCpuMs()];
  const done = spawnSync('patch', gnuPatchArgs(corpus, patch, patchFile), { cwd: dir });
  const timed = { ms: performance.now() - started, cpuMs: childrenCpuMs() - cpu };
  if (done.status !== 0) throw new Error(`GNU patch failed on ${patchFile}: ${done.stdout}`);
  return timed;
}

/** How long starting GNU patch takes, without patching anything. */
function gnuStartup(): number {
  const started = performance.now();
  spawnSync('patch', ['--version']);
  return performance.now() - started;
}

async function oursApply(
  patch: CorpusPatch,
  text: string,
  dir: string,
  durable = true,
): Promise<{ ms: number; cpuMs: number }> {
  const statCache = join(dirname(dir), 'stat-cache'); // in the bench's scratch directory
  const [started, cpu] = [performance.now(), ownCpuMs()];
  const tree = makeNodeTree(dir, { durable, statCache });
  const result = await applyDiff(tree, text, { strip: patch.strip });
  const timed = { ms: performance.now() - started, cpuMs: ownCpuMs() - cpu };
  if (result.status !== 'applied') throw new Error(`applyDiff: ${result.status}`);
  return timed;
}

interface Copies {
  ours: string;
  noFsync: string;
  gnu: string;
}

/** Ours on one copy; when it refuses, says so and lets GNU patch carry that copy along. */
async function attempt(
  corpus: Corpus,
  patch: CorpusPatch,
  patchFile: string,
  dir: string,
  durable: boolean,
  problems: string[],
): Promise<{ ms: number; cpuMs: number } | undefined> {
  try {
    return await oursApply(patch, readFileSync(patchFile, 'utf8'), dir, durable);
  } catch (error) {
    const side = durable ? '' : ' (no fsync)';
    problems.push(`${patch.file}${side}: ${String(error).split('\n')[0]}`);
    gnuPatch(corpus, patch, patchFile, dir);
    return undefined;
  }
}

/** The series as far as the corpus build carried it (up to the first patch it could not apply). */
function walked(run: PackageRun): CorpusPatch[] {
  const end = run.patches.findIndex((p) => p.advanced !== 'fuzz0' && p.advanced !== 'default-fuzz');
  return end < 0 ? run.patches : run.patches.slice(0, end);
}

/**
 * Pass 1: GNU patch, then ours, patch by patch, each on its own copy. A patch the corpus skips
 * (one GNU patch needs fuzz for, or an empty one) is applied to both by GNU patch, untimed, so
 * the next patch meets the same tree on both sides; so is one we refuse (a problem, untimed).
 */
async function timeAgainstGnu(
  corpus: Corpus,
  run: PackageRun,
  copies: Copies,
  timing: PackageTiming,
): Promise<Set<CorpusPatch>> {
  const timed = new Set<CorpusPatch>();
  for (const patch of walked(run)) {
    const file = join(run.root, patch.file);
    if (patch.skip !== undefined || !patch.features.utf8) {
      for (const dir of [copies.ours, copies.gnu]) gnuPatch(corpus, patch, file, dir);
      continue;
    }
    const gnu = gnuPatch(corpus, patch, file, copies.gnu);
    const ours = await attempt(corpus, patch, file, copies.ours, true, timing.problems);
    if (ours === undefined) continue;
    timing.oursMs += ours.ms;
    timing.oursCpuMs += ours.cpuMs;
    timing.gnuMs += gnu.ms;
    timing.gnuCpuMs += gnu.cpuMs;
    timing.startupMs += gnuStartup();
    timing.patches++;
    timed.add(patch);
  }
  return timed;
}

/**
 * Pass 2: ours without fsync, alone on a third copy, timing the patches pass 1 timed. Run
 * beside pass 1, its unsynced writes would be flushed by (and billed to) the next durable
 * commit's fsyncs.
 */
async function timeWithoutFsync(
  corpus: Corpus,
  run: PackageRun,
  dir: string,
  timed: Set<CorpusPatch>,
  timing: PackageTiming,
): Promise<void> {
  for (const patch of walked(run)) {
    const file = join(run.root, patch.file);
    if (!timed.has(patch)) gnuPatch(corpus, patch, file, dir);
    else
      timing.noFsyncMs +=
        (await attempt(corpus, patch, file, dir, false, timing.problems))?.ms ?? 0;
  }
}

/** One package's series on three copies of its base tree: ours, GNU's, ours without fsync. */
async function benchPackage(corpus: Corpus, run: PackageRun, work: string) {
  const copy = (side: string) => join(work, `${run.pkg.dir}-${side}`);
  const copies: Copies = { ours: copy('ours'), noFsync: copy('no-fsync'), gnu: copy('gnu') };
  for (const dir of Object.values(copies)) await copyTree(join(run.root, 'base'), dir);
  spawnSync('sync'); // the copies' writeback is setup: no side's first fsync should pay for it
  const timing: PackageTiming = {
    name: run.pkg.name,
    patches: 0,
    oursMs: 0,
    noFsyncMs: 0,
    gnuMs: 0,
    startupMs: 0,
    oursCpuMs: 0,
    gnuCpuMs: 0,
    problems: [],
  };
  const timed = await timeAgainstGnu(corpus, run, copies, timing);
  await timeWithoutFsync(corpus, run, copies.noFsync, timed, timing);
  for (const dir of [copies.ours, copies.noFsync])
    timing.problems.push(...(await compareTrees(copies.gnu, dir, ['.orig', '.rej'])));
  for (const dir of Object.values(copies)) await removeTree(dir);
  return timing;
}

type Totals = Pick<
  PackageTiming,
  'oursMs' | 'noFsyncMs' | 'gnuMs' | 'startupMs' | 'oursCpuMs' | 'gnuCpuMs'
>;

function formatTimings(timings: readonly PackageTiming[]): string {
  const row = (cells: (string | number)[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(10) : String(c).padStart(14))).join('');
  const ratio = (ms: number, t: Totals) => (t.gnuMs > 0 ? (ms / t.gnuMs).toFixed(2) : '-');
  const cells = (name: string, patches: number, t: Totals) => [
    name,
    patches,
    t.oursMs.toFixed(0),
    t.noFsyncMs.toFixed(0),
    t.gnuMs.toFixed(0),
    ratio(t.oursMs, t),
    ratio(t.noFsyncMs, t),
    t.gnuCpuMs > 0 ? (t.oursCpuMs / t.gnuCpuMs).toFixed(2) : '-',
  ];
  const lines = [
    row([
      'package',
      'patches',
      'ours ms',
      'no fsync ms',
      'GNU ms',
      'ours/GNU',
      'no fsync/GNU',
      'CPU ours/GNU',
    ]),
  ];
  for (const t of timings) lines.push(row(cells(t.name, t.patches, t)));
  const sum = (pick: (t: PackageTiming) => number) => timings.reduce((n, t) => n + pick(t), 0);
  const total: Totals = {
    oursMs: sum((t) => t.oursMs),
    noFsyncMs: sum((t) => t.noFsyncMs),
    gnuMs: sum((t) => t.gnuMs),
    startupMs: sum((t) => t.startupMs),
    oursCpuMs: sum((t) => t.oursCpuMs),
    gnuCpuMs: sum((t) => t.gnuCpuMs),
  };
  const patches = sum((t) => t.patches);
  lines.push(row(cells('total', patches, total)));
  lines.push(
    `GNU patch startup alone (patch --version, once per patch): ${total.startupMs.toFixed(0)} ms`,
    `CPU: ours ${total.oursCpuMs.toFixed(0)} ms, GNU patch ${total.gnuCpuMs.toFixed(0)} ms (its processes)`,
  );
  for (const t of timings) for (const p of t.problems) lines.push(`  ${t.name}: ${p}`);
  return lines.join('\n');
}

it('applies the real-world corpus in process, timed against GNU patch', async () => {
  const corpus = loadCorpus();
  if (corpus === undefined) {
    console.log(`apply bench skipped: no corpus in ${CORPUS_DIR}; build it with ${BUILD_HINT}`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'patchtrail-apply-bench-'));
  try {
    const timings: PackageTiming[] = [];
    for (const run of selectRuns(corpus, CORPUS_DIR, 'full')) {
      timings.push(await benchPackage(corpus, run, work));
    }
    console.log(
      `apply bench: ${corpus.packages.length} Debian packages, applyDiff + makeNodeTree vs ` +
        `${corpus.gnuPatch.version} (--fuzz=0, one process per patch)\n${formatTimings(timings)}`,
    );
  } finally {
    await removeTree(work);
  }
}, 1_800_000);
