/**
 * `npm run bench`: the whole real-world corpus (tests/fixtures/corpus, built by
 * scripts/corpus/build-corpus.sh) applied in process through `applyDiff` on the Node
 * filesystem tree, beside GNU patch applying the same patches to its own copy in the same run,
 * as a ratio. GNU patch's time includes starting one process per patch, as it is used; ours
 * includes everything `applyDiff` does (parse, tree hash before and after, crash-safe commit).
 * Each package's two trees are compared at the end, so a fast wrong answer does not pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  gnuMs: number;
  /** Patches applyDiff refused (not timed), and how its final tree differs from GNU patch's. */
  problems: string[];
}

function gnuPatch(corpus: Corpus, patch: CorpusPatch, patchFile: string, dir: string): number {
  const started = performance.now();
  const done = spawnSync('patch', gnuPatchArgs(corpus, patch, patchFile), { cwd: dir });
  const ms = performance.now() - started;
  if (done.status !== 0) throw new Error(`GNU patch failed on ${patchFile}: ${done.stdout}`);
  return ms;
}

async function oursApply(patch: CorpusPatch, text: string, dir: string): Promise<number> {
  const started = performance.now();
  const result = await applyDiff(makeNodeTree(dir), text, { strip: patch.strip });
  const ms = performance.now() - started;
  if (result.status !== 'applied') throw new Error(`applyDiff: ${result.status}`);
  return ms;
}

/**
 * One package's series on two copies of its base tree. A patch the corpus skips (one GNU
 * patch needs fuzz for, or an empty one) is applied to both by GNU patch, untimed, so the next
 * patch meets the same tree on both sides.
 */
async function benchPackage(corpus: Corpus, run: PackageRun, work: string) {
  const ours = join(work, `${run.pkg.dir}-ours`);
  const gnu = join(work, `${run.pkg.dir}-gnu`);
  await copyTree(join(run.root, 'base'), ours);
  await copyTree(join(run.root, 'base'), gnu);
  const timing: PackageTiming = {
    name: run.pkg.name,
    patches: 0,
    oursMs: 0,
    gnuMs: 0,
    problems: [],
  };
  for (const patch of run.patches) {
    if (patch.advanced !== 'fuzz0' && patch.advanced !== 'default-fuzz') break;
    const patchFile = join(run.root, patch.file);
    if (patch.skip !== undefined || !patch.features.utf8) {
      gnuPatch(corpus, patch, patchFile, ours);
      gnuPatch(corpus, patch, patchFile, gnu);
      continue;
    }
    const text = readFileSync(patchFile, 'utf8');
    const gnuMs = gnuPatch(corpus, patch, patchFile, gnu);
    try {
      timing.oursMs += await oursApply(patch, text, ours);
      timing.gnuMs += gnuMs;
      timing.patches++;
    } catch (error) {
      timing.problems.push(`${patch.file}: ${String(error).split('\n')[0]}`);
      gnuPatch(corpus, patch, patchFile, ours);
    }
  }
  timing.problems.push(...(await compareTrees(gnu, ours, ['.orig', '.rej'])));
  await removeTree(ours);
  await removeTree(gnu);
  return timing;
}

function formatTimings(timings: readonly PackageTiming[]): string {
  const row = (cells: (string | number)[]) =>
    cells
      .map((c, i) =>
        String(c)
          .padStart(i === 0 ? 0 : 12)
          .padEnd(i === 0 ? 12 : 0),
      )
      .join('');
  const ratio = (t: { oursMs: number; gnuMs: number }) =>
    t.gnuMs > 0 ? (t.oursMs / t.gnuMs).toFixed(2) : '-';
  const lines = [row(['package', 'patches', 'ours ms', 'GNU ms', 'ours/GNU'])];
  for (const t of timings) {
    lines.push(row([t.name, t.patches, t.oursMs.toFixed(0), t.gnuMs.toFixed(0), ratio(t)]));
  }
  const sum = (pick: (t: PackageTiming) => number) => timings.reduce((n, t) => n + pick(t), 0);
  const total = { oursMs: sum((t) => t.oursMs), gnuMs: sum((t) => t.gnuMs) };
  lines.push(
    row([
      'total',
      sum((t) => t.patches),
      total.oursMs.toFixed(0),
      total.gnuMs.toFixed(0),
      ratio(total),
    ]),
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
