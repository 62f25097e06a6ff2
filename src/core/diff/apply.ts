/**
 * Applying a unified diff to a `Tree`, as a short pipeline:
 *   parse → limits → recover → hash before → path safety → compute every new file in memory
 *   → (already applied? dry run?) → commit all or nothing → hash after.
 * Nothing is written until every file of the diff has applied in memory, so a conflict, an
 * unsafe path or a limit leaves the target byte-for-byte as it was.
 */
import { reject, isPatchtrailError } from '../errors.ts';
import { sha256Hex } from '../crypto/hash.ts';
import { applyHunks, type HunkPlacement } from './hunks.ts';
import { MAX_FILE_BYTES, MAX_FILES_PER_DIFF, MAX_FUZZ, MAX_WRITE_BYTES } from './limits.ts';
import type { FileChangeKind, FilePatch, ParsedDiff } from './model.ts';
import { parseDiff, touchedPaths } from './parse.ts';
import { reverseDiff } from './reverse.ts';
import { checkPathsAgainstTree, checkPathSyntax } from './safety.ts';
import { digestFiles, fileDigest, treeHashOf, type FileDigest } from './tree-hash.ts';
import type { RecoveryOutcome, Tree, TreeChange, TreeEntry } from './tree.ts';

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

export interface FileResult {
  path: string;
  kind: FileChangeKind;
  /** The source of a rename or copy. */
  from?: string;
}

export interface ApplyResult {
  status: 'applied' | 'already-applied' | 'dry-run';
  treeBefore: string;
  treeAfter: string;
  files: FileResult[];
  hunks: (HunkPlacement & { path: string })[];
  /** Most fuzz any hunk needed. */
  fuzz: number;
  /** What recovery of an earlier, interrupted commit did before this one started. */
  recovered: RecoveryOutcome;
}

/** The in-memory state of the files a diff touches, overlaid on the tree. */
type Overlay = Map<string, { content: Uint8Array; executable: boolean } | null>;

interface Planned {
  overlay: Overlay;
  /** Files already read from the tree (a traditional patch looks at its file twice). */
  reads: Map<string, Uint8Array>;
  files: FileResult[];
  hunks: ApplyResult['hunks'];
}

async function current(tree: Tree, plan: Planned, entries: Map<string, TreeEntry>, path: string) {
  if (plan.overlay.has(path)) return plan.overlay.get(path) ?? undefined;
  const entry = entries.get(path);
  if (entry === undefined) return undefined;
  if (entry.kind !== 'file') reject('APPLY_CONFLICT', `${path}: not a regular file`);
  const content = plan.reads.get(path) ?? (await tree.read(path));
  if (content.length > MAX_FILE_BYTES)
    reject('TOO_LARGE', `${path}: larger than ${MAX_FILE_BYTES} bytes`);
  plan.reads.set(path, content);
  return { content, executable: entry.executable };
}

function modeBit(mode: string | undefined, fallback: boolean): boolean {
  if (mode === undefined) return fallback;
  return (parseInt(mode, 8) & 0o100) !== 0;
}

/** GNU patch's "best name": fewest components, then shortest basename, then shortest. */
function bestName(names: readonly string[]): string {
  const rank = (p: string) => [p.split('/').length, p.length - p.lastIndexOf('/') - 1, p.length];
  return names.reduce((best, p) => {
    const [a, b] = [rank(p), rank(best)];
    for (let i = 0; i < a.length; i++)
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0) ? p : best;
    return best;
  });
}

/**
 * A traditional (`diff -u`, quilt) file patch names one file, perhaps twice: it patches the
 * name that exists (GNU patch's rule when both or neither do). A lone "-0,0" hunk on a file
 * that does not exist creates it, as GNU patch does; so that rollback restores the tree
 * exactly, undoing such a patch (a lone "+0,0" hunk, reversed) deletes the file it empties.
 */
async function resolveTraditional(
  tree: Tree,
  file: FilePatch,
  plan: Planned,
  entries: Map<string, TreeEntry>,
): Promise<FilePatch> {
  if (file.traditional !== true || file.kind !== 'modify') return file;
  const names = [...new Set([file.oldPath, file.newPath])].filter((p) => p !== null);
  const existing: string[] = [];
  for (const name of names)
    if ((await current(tree, plan, entries, name)) !== undefined) existing.push(name);
  const name = bestName(existing.length > 0 ? existing : names);
  const [first] = file.hunks;
  if (existing.length === 0 && file.hunks.length === 1 && first?.oldLines === 0) {
    return { ...file, kind: 'create', oldPath: null, newPath: name };
  }
  const undo = file.reversed === true;
  if (undo && existing.length > 0 && file.hunks.length === 1 && first?.newLines === 0) {
    return { ...file, kind: 'delete', oldPath: name, newPath: null };
  }
  return { ...file, oldPath: name, newPath: name };
}

async function planFile(
  tree: Tree,
  given: FilePatch,
  plan: Planned,
  entries: Map<string, TreeEntry>,
  fuzz: number,
) {
  const file = await resolveTraditional(tree, given, plan, entries);
  const name = file.newPath ?? file.oldPath ?? '';
  if (file.binary)
    reject('MALFORMED_INPUT', `${name}: binary patches cannot be applied exactly; refused`);
  const source =
    file.oldPath === null ? undefined : await current(tree, plan, entries, file.oldPath);
  if (file.oldPath !== null && source === undefined)
    reject('APPLY_CONFLICT', `${file.oldPath}: does not exist`);
  if (file.kind === 'create' && (await current(tree, plan, entries, name)) !== undefined) {
    reject('APPLY_CONFLICT', `${name}: already exists`);
  }
  if (
    (file.kind === 'rename' || file.kind === 'copy') &&
    (await current(tree, plan, entries, name)) !== undefined
  ) {
    reject('APPLY_CONFLICT', `${name}: already exists`);
  }
  const applied = applyHunks(source?.content ?? new Uint8Array(0), file.hunks, name, fuzz);
  for (const p of applied.placements) plan.hunks.push({ ...p, path: name });
  // An inferred deletion ("+0,0") that leaves content behind is an ordinary change.
  const kind =
    given.kind === 'modify' && file.kind === 'delete' && applied.content.length !== 0
      ? 'modify'
      : file.kind;
  if (kind === 'delete') {
    if (applied.content.length !== 0)
      reject('APPLY_CONFLICT', `${name}: deleting a file that has other content`);
    plan.overlay.set(name, null);
  } else {
    if (applied.content.length > MAX_FILE_BYTES)
      reject('TOO_LARGE', `${name}: result larger than ${MAX_FILE_BYTES} bytes`);
    const executable = modeBit(file.newMode, source?.executable ?? false);
    plan.overlay.set(file.newPath ?? name, { content: applied.content, executable });
    if (file.kind === 'rename' && file.oldPath !== null) plan.overlay.set(file.oldPath, null);
  }
  const result: FileResult = { path: name, kind };
  if ((file.kind === 'rename' || file.kind === 'copy') && file.oldPath !== null)
    result.from = file.oldPath;
  plan.files.push(result);
}

async function plan(
  tree: Tree,
  diff: ParsedDiff,
  entries: Map<string, TreeEntry>,
  fuzz: number,
): Promise<Planned> {
  const planned: Planned = { overlay: new Map(), reads: new Map(), files: [], hunks: [] };
  for (const file of diff.files) await planFile(tree, file, planned, entries, fuzz);
  return planned;
}

function changesOf(overlay: Overlay, entries: Map<string, TreeEntry>): TreeChange[] {
  const changes: TreeChange[] = [];
  let total = 0;
  for (const [path, state] of overlay) {
    if (state === null) {
      if (entries.has(path)) changes.push({ action: 'delete', path });
    } else {
      total += state.content.length;
      changes.push({ action: 'write', path, content: state.content, executable: state.executable });
    }
  }
  if (total > MAX_WRITE_BYTES)
    reject('TOO_LARGE', `the diff writes ${total} bytes; the limit is ${MAX_WRITE_BYTES}`);
  return changes;
}

async function overlaidDigests(
  before: Map<string, FileDigest>,
  overlay: Overlay,
): Promise<Map<string, FileDigest>> {
  const after = new Map(before);
  for (const [path, state] of overlay) {
    if (state === null) after.delete(path);
    else after.set(path, { digest: await sha256Hex(state.content), executable: state.executable });
  }
  return after;
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

/** Applies a diff given as text or as its exact bytes (any bytes: see `parseDiff`). */
export async function applyDiff(
  tree: Tree,
  source: string | Uint8Array,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const parsed = parseDiff(source, options.strip ?? 1);
  const diff = options.reverse === true ? reverseDiff(parsed) : parsed;
  const fuzz = options.fuzz ?? 0;
  checkLimits(diff, fuzz);
  const touched = touchedPaths(diff).map(checkPathSyntax);
  const recovered = await tree.recover();
  const listed = await tree.list();
  const entries = new Map(listed.map((e) => [e.path, e]));
  const before = await digestFiles(tree, listed);
  const treeBefore = await treeHashOf(before);
  await checkPathsAgainstTree(tree, listed, touched);
  let planned: Planned;
  try {
    planned = await plan(tree, diff, entries, fuzz);
  } catch (error) {
    if (
      isPatchtrailError(error) &&
      error.code === 'APPLY_CONFLICT' &&
      (await isAlreadyApplied(tree, diff, entries))
    ) {
      const base = { treeBefore, treeAfter: treeBefore, files: [], hunks: [], fuzz: 0, recovered };
      return { status: 'already-applied', ...base };
    }
    throw error;
  }
  const changes = changesOf(planned.overlay, entries);
  const result = {
    files: planned.files,
    hunks: planned.hunks,
    fuzz: planned.hunks.reduce((m, h) => Math.max(m, h.fuzz), 0),
    treeBefore,
    recovered,
  };
  if (options.dryRun === true) {
    return {
      status: 'dry-run',
      treeAfter: await treeHashOf(await overlaidDigests(before, planned.overlay)),
      ...result,
    };
  }
  await tree.commit(changes);
  return { status: 'applied', treeAfter: await hashAfterCommit(tree, before, changes), ...result };
}

/**
 * The tree hash after the commit: every file the commit wrote is read back from the tree (its
 * bytes and mode as they landed), deleted files are gone, and every other file is as the
 * listing before the commit found and hashed it. Listing the whole tree again would cost as
 * much as the hash before (one stat per file) for files the commit did not touch.
 */
async function hashAfterCommit(
  tree: Tree,
  before: Map<string, FileDigest>,
  changes: readonly TreeChange[],
) {
  const after = new Map(before);
  for (const change of changes) {
    if (change.action === 'delete') {
      after.delete(change.path);
      continue;
    }
    const landed = await tree.stat(change.path);
    if (landed?.kind !== 'file') after.delete(change.path);
    else {
      const digest = await fileDigest(tree, change.path);
      after.set(change.path, { digest, executable: landed.executable });
    }
  }
  return treeHashOf(after);
}
