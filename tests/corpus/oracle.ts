/**
 * The corpus oracle: every real-world patch of a run goes through GNU patch (the reference
 * nobody here wrote) and through the patchtrail CLI as a user runs it (`create`, then
 * `apply --trust`), each on its own copy of the same pre-patch tree; the two trees must be
 * byte-identical, and `apply --reverse` must bring patchtrail's copy back to the pre-patch
 * bytes. The pre-patch tree of patch N is GNU patch's result for patch N-1. Patches that are
 * not UTF-8 (vim's carry NUL and Latin-1) are held to the same test: bundles carry any bytes.
 */
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { gnuPatchArgs, ROOT, type Corpus, type CorpusPatch, type PackageRun } from './manifest.ts';
import { checkExpected, compareTrees, copyTree, removeTree, run, type Run } from './trees.ts';

const BIN = join(ROOT, 'bin/patchtrail.mjs');
/** Two package walks at once: the machines have two cores, each walk is one process chain. */
const PARALLEL_PACKAGES = 2;

export type Verdict = 'identical' | 'mismatch' | 'skipped';

export interface PatchOutcome {
  package: string;
  patch: string;
  verdict: Verdict;
  /** The patch is not UTF-8 (judged like every other). */
  notUtf8?: true;
  /** Why it was skipped or why patchtrail refused it. */
  reason?: string;
  /** Per path, how patchtrail's tree differs from GNU patch's. */
  differences?: string[];
  /** After `apply --reverse`: how the tree differs from the pre-patch one (empty: restored). */
  reverse?: string[];
}

export interface OracleReport {
  outcomes: PatchOutcome[];
  /** Where GNU patch on this machine disagrees with the ground truth in corpus.json. */
  drift: string[];
}

export interface Oracle {
  corpus: Corpus;
  /** Scratch directory for trees, bundles and the signing key. */
  work: string;
  key: string;
  did: string;
}

export function patchtrail(args: string[]): Promise<Run> {
  return run(process.execPath, [BIN, ...args]);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Makes the signing key every bundle of the run is created with and trusted by. */
export async function makeOracle(corpus: Corpus, work: string): Promise<Oracle> {
  const key = join(work, 'author.pem');
  const made = await patchtrail(['keygen', '--out', key]);
  if (made.code !== 0) throw new Error(`patchtrail keygen failed: ${made.stderr}`);
  return { corpus, work, key, did: made.stdout.trim() };
}

/** Signs the patch into a bundle and applies it to `mine`, as a user of the CLI would. */
async function applyWithPatchtrail(
  oracle: Oracle,
  patch: CorpusPatch,
  patchFile: string,
  mine: string,
): Promise<{ bundle: string } | { refused: string; created: boolean }> {
  const bundle = `${mine}.bundle.json`;
  const created = await patchtrail([
    ...['create', '--diff', patchFile, '--key', oracle.key, '--reason', 'corpus'],
    ...['--strip', String(patch.strip), '--out', bundle],
  ]);
  if (created.code !== 0) return { refused: firstLine(created.stderr), created: false };
  const applied = await patchtrail(['apply', bundle, '--dir', mine, '--trust', oracle.did]);
  if (applied.code !== 0) return { refused: firstLine(applied.stderr), created: true };
  return { bundle };
}

async function comparePatch(
  oracle: Oracle,
  at: { state: string; gnu: string; mine: string; patchFile: string },
  patch: CorpusPatch,
): Promise<Omit<PatchOutcome, 'package' | 'patch'>> {
  if (patch.skip !== undefined) return { verdict: 'skipped', reason: patch.skip };
  await copyTree(at.state, at.mine);
  try {
    const applied = await applyWithPatchtrail(oracle, patch, at.patchFile, at.mine);
    if ('refused' in applied) {
      const step = applied.created ? 'apply' : 'create';
      return { verdict: 'mismatch', reason: `${step} refused it: ${applied.refused}` };
    }
    const differences = await compareTrees(at.gnu, at.mine, ['.orig', '.rej']);
    const reversed = await patchtrail([
      ...['apply', applied.bundle, '--dir', at.mine, '--trust', oracle.did, '--reverse'],
    ]);
    const reverse =
      reversed.code === 0
        ? await compareTrees(at.state, at.mine)
        : [`apply --reverse refused it: ${firstLine(reversed.stderr)}`];
    return { verdict: differences.length === 0 ? 'identical' : 'mismatch', differences, reverse };
  } finally {
    await removeTree(at.mine);
    await removeTree(`${at.mine}.bundle.json`);
  }
}

/** Walks one package's series prefix; GNU patch's tree becomes the next pre-patch state. */
async function walkPackage(oracle: Oracle, pkgRun: PackageRun, report: OracleReport) {
  const dir = join(oracle.work, pkgRun.pkg.dir);
  await mkdir(dir, { recursive: true });
  const at = { state: join(dir, 'state'), gnu: join(dir, 'gnu'), mine: join(dir, 'mine') };
  await copyTree(join(pkgRun.root, 'base'), at.state);
  let broken: string | undefined;
  for (const patch of pkgRun.patches) {
    const name = { package: pkgRun.pkg.name, patch: patch.file.replace(/^patches\//, '') };
    const unwalkable = patch.advanced === 'not-applied' || patch.advanced === 'not-walked';
    if (broken !== undefined || unwalkable) {
      const reason = broken ?? patch.skip ?? 'not walked';
      report.outcomes.push({ ...name, verdict: 'skipped', reason });
      continue;
    }
    const patchFile = join(pkgRun.root, patch.file);
    await copyTree(at.state, at.gnu);
    const gnu = await run('patch', gnuPatchArgs(oracle.corpus, patch, patchFile), at.gnu);
    const drift =
      gnu.code === 0
        ? await checkExpected(at.gnu, patch.expected ?? [])
        : [`GNU patch failed here (${gnu.code}): ${firstLine(gnu.stdout)}`];
    report.drift.push(...drift.map((d) => `${name.package} ${name.patch}: ${d}`));
    if (gnu.code !== 0) {
      broken = 'GNU patch failed on an earlier patch on this machine';
      report.outcomes.push({ ...name, verdict: 'skipped', reason: 'GNU patch failed here' });
    } else {
      const outcome = await comparePatch(oracle, { ...at, patchFile }, patch);
      const notUtf8 = patch.features.utf8 ? {} : { notUtf8: true as const };
      report.outcomes.push({ ...name, ...notUtf8, ...outcome });
    }
    await removeTree(at.state);
    await rename(at.gnu, at.state);
  }
  await removeTree(dir);
}

/**
 * Runs the oracle over the runs' patches, two packages at a time; `onPackage` hears about
 * each package as it finishes (a full run takes many minutes).
 */
export async function runOracle(
  oracle: Oracle,
  runs: readonly PackageRun[],
  onPackage: (run: PackageRun, report: OracleReport) => void = () => undefined,
): Promise<OracleReport> {
  const reports = runs.map((): OracleReport => ({ outcomes: [], drift: [] }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const i = next++;
      const pkgRun = runs[i] as PackageRun;
      await walkPackage(oracle, pkgRun, reports[i] as OracleReport);
      onPackage(pkgRun, reports[i] as OracleReport);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_PACKAGES }, worker));
  return {
    outcomes: reports.flatMap((r) => r.outcomes),
    drift: reports.flatMap((r) => r.drift),
  };
}

interface Tally {
  walked: number;
  identical: number;
  mismatch: number;
  skipped: number;
  notUtf8: number;
  reverseFailed: number;
}

export function tally(outcomes: readonly PatchOutcome[]): Tally {
  const count = (pick: (o: PatchOutcome) => boolean) => outcomes.filter(pick).length;
  return {
    walked: outcomes.length,
    identical: count((o) => o.verdict === 'identical'),
    mismatch: count((o) => o.verdict === 'mismatch'),
    skipped: count((o) => o.verdict === 'skipped'),
    notUtf8: count((o) => o.notUtf8 === true),
    reverseFailed: count((o) => (o.reverse?.length ?? 0) > 0),
  };
}

function detail(o: PatchOutcome, lines: readonly string[] | undefined): string[] {
  const shown = (lines ?? []).slice(0, 8).map((l) => `      ${l}`);
  const more = (lines?.length ?? 0) > 8 ? [`      ... and ${(lines?.length ?? 0) - 8} more`] : [];
  return [
    `  ${o.package} ${o.patch}${o.reason === undefined ? '' : `: ${o.reason}`}`,
    ...shown,
    ...more,
  ];
}

/** The printed report: counts per package, then every mismatch, reverse failure and skip. */
export function formatReport(report: OracleReport, runs: readonly PackageRun[]): string {
  const header = [
    'package',
    'version',
    'walked',
    'identical',
    'mismatch',
    'skipped',
    'not-UTF-8',
    'reverse-failed',
  ];
  const row = (cells: (string | number)[]) =>
    cells
      .map((c, i) => String(c).padEnd(i === 0 ? 12 : i === 1 ? 26 : 10))
      .join('')
      .trimEnd();
  const lines = [row(header)];
  for (const r of runs) {
    const t = tally(report.outcomes.filter((o) => o.package === r.pkg.name));
    lines.push(row([r.pkg.name, r.pkg.version, ...Object.values(t)]));
  }
  lines.push(row(['total', '', ...Object.values(tally(report.outcomes))]));
  const section = (
    title: string,
    pick: (o: PatchOutcome) => boolean,
    what: (o: PatchOutcome) => readonly string[] | undefined,
  ) => {
    const chosen = report.outcomes.filter(pick);
    if (chosen.length > 0)
      lines.push(`${title} (${chosen.length}):`, ...chosen.flatMap((o) => detail(o, what(o))));
  };
  section(
    'mismatches',
    (o) => o.verdict === 'mismatch',
    (o) => o.differences,
  );
  section(
    'reverse did not restore the pre-patch tree',
    (o) => (o.reverse?.length ?? 0) > 0,
    (o) => o.reverse,
  );
  section(
    'skipped',
    (o) => o.verdict === 'skipped',
    () => [],
  );
  if (report.drift.length > 0)
    lines.push('GNU patch here disagrees with corpus.json:', ...report.drift.map((d) => `  ${d}`));
  return `${lines.join('\n')}\n`;
}
