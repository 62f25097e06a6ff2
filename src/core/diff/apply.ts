/**
 * Applying a unified diff to a `Tree`, as a short pipeline:
 *   parse → limits → recover → hash before → path safety → compute every new file in memory
 *   → (already applied?) → commit check → (dry run?) → commit all or nothing → hash after.
 * Nothing is written until every file of the diff has applied in memory and the commit check
 * has passed, so a conflict, an unsafe path or a limit leaves the target byte-for-byte as it
 * was. A dry run writes nothing at all: it does not recover an interrupted commit either, but
 * plans over the tree as recovery would leave it and says what recovery would do.
 */
import { isPatchtrailError, reject } from '../errors.ts';
import { sha256Hex } from '../crypto/hash.ts';
import { checkCommit, probeOf } from './commit-check.ts';
import { planCommit } from './journal.ts';
import { MAX_FILES_PER_DIFF, MAX_FUZZ } from './limits.ts';
import type { ParsedDiff } from './model.ts';
import { overlayTree } from './overlay-tree.ts';
import { parseDiff, touchedPaths } from './parse.ts';
import { changesOf, plan, type FileResult, type Overlay, type PlacedHunk } from './plan.ts';
import { reverseDiff } from './reverse.ts';
import { checkPathsAgainstTree, checkPathSyntax } from './safety.ts';
import { fileDigest, treeHashState, type FileDigest } from './tree-hash.ts';
import type { RecoveryOutcome, Tree, TreeChange, TreeEntry } from './tree.ts';

export type { FileResult } from './plan.ts';

export interface ApplyOptions {
  /** Leading path components to remove (`-p N`); default 1. */
  strip?: number;
  /** Undo the diff instead (rollback). */
  reverse?: boolean;
  /** Check and report, write nothing. */
  dryRun?: boolean;
  /** Outer context lines that may be ignored to place a hunk; default 0 (exact). */
  fuzz?: number;
}

export interface ApplyResult {
  /**
   * What happened: the diff `applied`, or undone (`reversed`, with `reverse`); nothing, because
   * the tree already holds the result (`already-applied`; with `reverse`, `already-reversed`:
   * the patch is not in the tree); or nothing, as asked (`dry-run`).
   */
  status: 'applied' | 'reversed' | 'already-applied' | 'already-reversed' | 'dry-run';
  treeBefore: string;
  treeAfter: string;
  files: FileResult[];
  hunks: PlacedHunk[];
  /** Most fuzz any hunk needed. */
  fuzz: number;
  /** What recovery of an earlier, interrupted commit did before this one started. */
  recovered: RecoveryOutcome;
  /**
   * Dry runs only: what a real apply would first do about an interrupted commit (a dry run
   * changes nothing, and plans over the tree as rolling forward would leave it).
   */
  pendingRecovery?: Exclude<RecoveryOutcome, 'none'>;
}

/** The files a dry run would write or delete, with the digests of what it would write. */
async function overlaidChanges(overlay: Overlay): Promise<Map<string, FileDigest | null>> {
  const changes = new Map<string, FileDigest | null>();
  for (const [path, state] of overlay) {
    if (state === null) changes.set(path, null);
    else
      changes.set(path, { digest: await sha256Hex(state.content), executable: state.executable });
  }
  return changes;
}

/** True when the reverse of the diff applies cleanly: the diff is already in the tree. */
async function isAlreadyApplied(
  tree: Tree,
  diff: ParsedDiff,
  entries: Map<string, TreeEntry>,
): Promise<boolean> {
  try {
    await plan(tree, reverseDiff(diff), entries, 0);
    return true;
  } catch (error) {
    if (isPatchtrailError(error)) return false;
    throw error;
  }
}

function checkLimits(diff: ParsedDiff, fuzz: number): void {
  if (diff.files.length > MAX_FILES_PER_DIFF) {
    reject(
      'TOO_LARGE',
      `the diff touches ${diff.files.length} files; the limit is ${MAX_FILES_PER_DIFF}`,
    );
  }
  if (!Number.isInteger(fuzz) || fuzz < 0 || fuzz > MAX_FUZZ)
    throw new RangeError(`fuzz must be 0..${MAX_FUZZ}`);
}

/** Recovers an interrupted commit, or for a dry run, a view of the tree as recovery would. */
async function settled(tree: Tree, dryRun: boolean) {
  if (!dryRun) return { view: tree, recovered: await tree.recover() };
  const pending = await tree.pending();
  const recovered: RecoveryOutcome = 'none';
  if (pending.outcome === 'none') return { view: tree, recovered };
  const view = pending.outcome === 'rolled-forward' ? overlayTree(tree, pending.changes) : tree;
  return { view, recovered, pendingRecovery: pending.outcome };
}

/** Applies a diff given as text or as its exact bytes (any bytes: see `parseDiff`). */
export async function applyDiff(
  tree: Tree,
  source: string | Uint8Array,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const reverse = options.reverse === true;
  const parsed = parseDiff(source, options.strip ?? 1);
  const diff = reverse ? reverseDiff(parsed) : parsed;
  const fuzz = options.fuzz ?? 0;
  checkLimits(diff, fuzz);
  const touched = touchedPaths(diff).map(checkPathSyntax);
  const { view, ...recovery } = await settled(tree, options.dryRun === true);
  const listed = await view.list();
  const entries = new Map(listed.map((e) => [e.path, e]));
  const before = await treeHashState(view, listed);
  const treeBefore = before.hash;
  const leaving = new Set(
    diff.files.flatMap((f) =>
      (f.kind === 'delete' || f.kind === 'rename') && f.oldPath !== null ? [f.oldPath] : [],
    ),
  );
  await checkPathsAgainstTree(view, listed, touched, leaving);
  const base = { treeBefore, ...recovery };
  let planned;
  try {
    planned = await plan(view, diff, entries, fuzz);
  } catch (error) {
    if (
      isPatchtrailError(error) &&
      error.code === 'APPLY_CONFLICT' &&
      (await isAlreadyApplied(view, diff, entries))
    ) {
      const status = reverse ? 'already-reversed' : 'already-applied';
      return { status, ...base, treeAfter: treeBefore, files: [], hunks: [], fuzz: 0 };
    }
    throw error;
  }
  const changes = changesOf(planned.overlay, entries);
  await checkCommit(probeOf(view), planCommit(changes).ops);
  const result = {
    ...base,
    files: planned.files,
    hunks: planned.hunks,
    fuzz: planned.hunks.reduce((m, h) => Math.max(m, h.fuzz), 0),
  };
  if (options.dryRun === true) {
    const treeAfter = await before.after(await overlaidChanges(planned.overlay));
    return { status: 'dry-run', treeAfter, ...result };
  }
  await tree.commit(changes);
  const treeAfter = await before.after(await landed(tree, changes));
  return { status: reverse ? 'reversed' : 'applied', treeAfter, ...result };
}

/**
 * What the commit left of each file it changed: every file it wrote is read back from the tree
 * (its bytes and mode as they landed), deleted files are gone. With the listing before the
 * commit, that gives the tree hash after it: listing the whole tree again would cost as much as
 * the hash before (one stat per file) for files the commit did not touch.
 */
async function landed(
  tree: Tree,
  changes: readonly TreeChange[],
): Promise<Map<string, FileDigest | null>> {
  const after = new Map<string, FileDigest | null>();
  for (const change of changes) {
    const stat = change.action === 'delete' ? undefined : await tree.stat(change.path);
    if (stat?.kind !== 'file') after.set(change.path, null);
    else
      after.set(change.path, {
        digest: await fileDigest(tree, change.path),
        executable: stat.executable,
      });
  }
  return after;
}

/**
 * "7 file(s)", or "8 change(s) to 7 file(s)" when a series changes a file more than once: how
 * the CLI and the agent count what an apply did.
 */
export function describeFileCount(files: readonly FileResult[]): string {
  const distinct = new Set(files.map((f) => f.path)).size;
  return files.length === distinct
    ? `${distinct} file(s)`
    : `${files.length} change(s) to ${distinct} file(s)`;
}
