/**
 * The real-world patch corpus as scripts/corpus/build-corpus.sh leaves it in
 * tests/fixtures/corpus/: reading corpus.json, building a small sample when it is missing,
 * and choosing which patches a run walks (a prefix of each package's series, since every
 * patch applies to the tree the earlier ones left).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CORPUS_DIR = process.env.PATCHTRAIL_CORPUS_DIR ?? join(ROOT, 'tests/fixtures/corpus');
export const BUILD_SCRIPT = join(ROOT, 'scripts/corpus/build-corpus.sh');
export const BUILD_HINT = 'bash scripts/corpus/build-corpus.sh';
/** The script's "cannot fetch here" status (not root, no apt, no network, a tool missing). */
const EXIT_CANNOT_FETCH = 3;

/** What a patch left behind, by GNU patch: a file's sha256, or null when it was deleted. */
export interface ExpectedFile {
  path: string;
  sha256: string | null;
  executable?: boolean;
  symlink?: boolean;
}

export interface PatchFeatures {
  utf8: boolean;
  binary: boolean;
  bytes: number;
  files: number;
  hunks: number;
  [feature: string]: number | boolean;
}

export interface GnuOutcome {
  fuzz0: boolean;
  exitCode: number;
  offsets: number[];
  fuzz: number[];
  notes: string[];
}

export interface CorpusPatch {
  index: number;
  /** The name in debian/patches/series. */
  series: string;
  /** Relative to the package directory, e.g. "patches/0003-fix-foo.patch". */
  file: string;
  strip: number;
  sha256: string;
  features: PatchFeatures;
  gnu?: GnuOutcome;
  /** How the build carried the tree past this patch. */
  advanced: 'fuzz0' | 'default-fuzz' | 'not-applied' | 'not-walked';
  expected?: ExpectedFile[];
  /** Why the identity comparison leaves this patch out. */
  skip?: string;
}

export interface CorpusPackage {
  dir: string;
  name: string;
  version: string;
  downloadBytes: number;
  base: { files: number; bytes: number };
  buildSeconds: number;
  patches: CorpusPatch[];
}

export interface Corpus {
  format: 1;
  gnuPatch: { version: string; args: string[] };
  totals: Record<string, number>;
  packages: CorpusPackage[];
}

/** One package's part of a run: its tree under `root`, and the series prefix to walk. */
export interface PackageRun {
  pkg: CorpusPackage;
  root: string;
  patches: CorpusPatch[];
}

export type CorpusMode = 'sample' | 'full';
export type CorpusSetup = { corpus: Corpus; dir: string } | { skipped: string };

/** Two small packages whose series differ in dialect: git format-patch (dash), quilt (cron). */
const SAMPLE_PACKAGES = ['dash', 'cron'];
const SAMPLE_PATCHES = 30;

export function corpusMode(env = process.env): CorpusMode {
  return env.PATCHTRAIL_CORPUS === 'full' ? 'full' : 'sample';
}

export function loadCorpus(dir = CORPUS_DIR): Corpus | undefined {
  const file = join(dir, 'corpus.json');
  if (!existsSync(file)) return undefined;
  const corpus = JSON.parse(readFileSync(file, 'utf8')) as Corpus;
  if (corpus.format !== 1 || !Array.isArray(corpus.packages)) {
    throw new Error(`${file}: unknown corpus format; rebuild it with ${BUILD_HINT}`);
  }
  return corpus;
}

/**
 * The corpus, built first when needed: the sample when corpus.json is missing, every package
 * in full mode (the script keeps what is built, so this is quick the second time). A machine
 * that cannot fetch gets a reason to skip; a build that fails throws.
 */
export function prepareCorpus(mode: CorpusMode, dir = CORPUS_DIR): CorpusSetup {
  if (mode === 'sample' && existsSync(join(dir, 'corpus.json'))) {
    return { corpus: loadCorpus(dir) as Corpus, dir };
  }
  const args = mode === 'sample' ? [BUILD_SCRIPT, '--sample'] : [BUILD_SCRIPT];
  const built = spawnSync('bash', args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATCHTRAIL_CORPUS_DIR: dir },
  });
  const said = `${built.stderr ?? ''}`.trim().split('\n');
  if (built.status === EXIT_CANNOT_FETCH) {
    const why = said.filter((l) => l.includes('cannot fetch')).pop() ?? said.pop() ?? '';
    return { skipped: `${why} (build it elsewhere with ${BUILD_HINT})` };
  }
  if (built.status !== 0) {
    throw new Error(`${BUILD_HINT} failed (${built.status}):\n${said.slice(-15).join('\n')}`);
  }
  return { corpus: loadCorpus(dir) as Corpus, dir };
}

/**
 * The patches a run walks. Full: everything. Sample: the sample packages (or the two
 * smallest), each cut to an equal share of about 30 patches.
 */
export function selectRuns(corpus: Corpus, dir: string, mode: CorpusMode): PackageRun[] {
  const run = (pkg: CorpusPackage, limit = Infinity): PackageRun => ({
    pkg,
    root: join(dir, pkg.dir),
    patches: pkg.patches.slice(0, limit),
  });
  if (mode === 'full') return corpus.packages.map((pkg) => run(pkg));
  let chosen = corpus.packages.filter((p) => SAMPLE_PACKAGES.includes(p.name));
  if (chosen.length === 0) {
    chosen = [...corpus.packages].sort((a, b) => a.base.bytes - b.base.bytes).slice(0, 2);
  }
  const share = Math.ceil(SAMPLE_PATCHES / Math.max(1, chosen.length));
  return chosen.map((pkg) => run(pkg, share));
}

/** GNU patch's argument list from corpus.json, for one patch ("default" fuzz drops --fuzz=0). */
export function gnuPatchArgs(corpus: Corpus, patch: CorpusPatch, patchFile: string): string[] {
  const args = corpus.gnuPatch.args
    .map((a) => a.replace('{strip}', String(patch.strip)))
    .filter((a) => patch.advanced !== 'default-fuzz' || a !== '--fuzz=0');
  return [...args, '-i', patchFile];
}
