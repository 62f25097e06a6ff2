/**
 * Planning a diff: every file it touches computed in memory, over the tree as it is, before
 * anything is written. Traditional (`diff -u`, quilt) file patches resolve their name as GNU
 * patch does; hunks are placed by ./hunks.ts.
 */
import { bytesEqual } from '../encoding/bytes.ts';
import { reject } from '../errors.ts';
import { applyHunks, type HunkPlacement } from './hunks.ts';
import { MAX_FILE_BYTES, MAX_WRITE_BYTES } from './limits.ts';
import type { FileChangeKind, FilePatch, ParsedDiff } from './model.ts';
import type { Tree, TreeChange, TreeEntry } from './tree.ts';
import { unappliableKind } from './unappliable.ts';

export interface FileResult {
  path: string;
  kind: FileChangeKind;
  /** The source of a rename or copy. */
  from?: string;
}

export type PlacedHunk = HunkPlacement & { path: string };

/** A file's bytes and executable bit, as a plan holds them. */
export interface FileState {
  content: Uint8Array;
  executable: boolean;
  /** The tree's file whose mode and owner it keeps (`TreeChange`); absent for a new file. */
  keeps?: string;
}

/** The in-memory state of the files a diff touches, overlaid on the tree (null: deleted). */
export type Overlay = Map<string, FileState | null>;

export interface Planned {
  overlay: Overlay;
  /** Files already read from the tree (a traditional patch looks at its file twice). */
  reads: Map<string, Uint8Array>;
  files: FileResult[];
  hunks: PlacedHunk[];
}

/** A plan being made: what it keeps for itself until every file is planned. */
interface Planning extends Planned {
  /** Copies being undone, checked once the rest of their commit is planned (`undoCopy`). */
  undoneCopies: (FilePatch & { oldPath: string; newPath: string })[];
  /**
   * Each file the current commit of a series changed, as it was before that commit's first
   * change of it ('tree': as the tree holds it), for `original`. Kept per change, not as a copy
   * of the overlay per commit: a diff of thousands of one-file commits stays linear.
   */
  beforeCommit: Map<string, FileState | null | 'tree'>;
}

/** Sets a file's state in the overlay, keeping what it was before its commit changed it. */
function change(plan: Planning, path: string, state: FileState | null) {
  if (!plan.beforeCommit.has(path))
    plan.beforeCommit.set(path, plan.overlay.has(path) ? (plan.overlay.get(path) ?? null) : 'tree');
  plan.overlay.set(path, state);
}

/** A file as the diff leaves it so far: the overlay's state, else the tree's. */
async function current(tree: Tree, plan: Planning, entries: Map<string, TreeEntry>, path: string) {
  if (plan.overlay.has(path)) return plan.overlay.get(path) ?? undefined;
  return fromTree(tree, plan, entries, path);
}

/**
 * A file as its commit found it: as the tree holds it before the diff (a copy's source, as git
 * apply reads it), or in a series, as the commits before this one left it.
 */
async function original(tree: Tree, plan: Planning, entries: Map<string, TreeEntry>, path: string) {
  const before = plan.beforeCommit.get(path);
  if (before === undefined) return current(tree, plan, entries, path);
  return before === 'tree' ? fromTree(tree, plan, entries, path) : (before ?? undefined);
}

/** A file as the tree holds it (read once). */
async function fromTree(tree: Tree, plan: Planning, entries: Map<string, TreeEntry>, path: string) {
  const entry = entries.get(path);
  if (entry === undefined) return undefined;
  if (entry.kind !== 'file') reject('APPLY_CONFLICT', `${path}: not a regular file`);
  const content = plan.reads.get(path) ?? (await tree.read(path));
  if (content.length > MAX_FILE_BYTES)
    reject('TOO_LARGE', `${path}: larger than ${MAX_FILE_BYTES} bytes`);
  plan.reads.set(path, content);
  return { content, executable: entry.executable, keeps: path };
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
  plan: Planning,
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

/**
 * Undoes a copy (a copy's file patch, reversed): the copy is removed, but only while it still
 * is what the patch made it, its source with the patch's changes (its hunks, undone on the
 * copy, give back the source's bytes exactly). The source is compared as the rest of the undo
 * of its commit leaves it, since a copy is made from the source as its commit found it (the
 * commit may also change the source); so this runs once the rest of that commit is planned.
 * Reversed as written, a copy would copy the copy back over its source, which exists: git
 * apply -R refuses it ("already exists"), and so did this, so a patch with a copy could be
 * neither rolled back nor recognised as applied.
 */
async function undoCopy(
  tree: Tree,
  file: FilePatch & { oldPath: string; newPath: string },
  plan: Planning,
  entries: Map<string, TreeEntry>,
  fuzz: number,
) {
  const copy = await current(tree, plan, entries, file.oldPath);
  if (copy === undefined) reject('APPLY_CONFLICT', `${file.oldPath}: does not exist`);
  const source = await current(tree, plan, entries, file.newPath);
  if (source === undefined) reject('APPLY_CONFLICT', `${file.newPath}: does not exist`);
  const undone = applyHunks(copy.content, file.hunks, file.oldPath, fuzz);
  if (!bytesEqual(undone.content, source.content))
    reject(
      'APPLY_CONFLICT',
      `${file.oldPath}: is no longer ${file.newPath} with the patch's changes; not removed`,
    );
  for (const p of undone.placements) plan.hunks.push({ ...p, path: file.oldPath });
  change(plan, file.oldPath, null);
  plan.files.push({ path: file.oldPath, kind: 'delete' });
}

async function planFile(
  tree: Tree,
  given: FilePatch,
  plan: Planning,
  entries: Map<string, TreeEntry>,
  fuzz: number,
) {
  if (
    given.kind === 'copy' &&
    given.reversed === true &&
    given.oldPath !== null &&
    given.newPath !== null &&
    unappliableKind(given) === undefined
  ) {
    plan.undoneCopies.push({ ...given, oldPath: given.oldPath, newPath: given.newPath });
    return;
  }
  const file = await resolveTraditional(tree, given, plan, entries);
  const name = file.newPath ?? file.oldPath ?? '';
  const unappliable = unappliableKind(file);
  if (unappliable === 'binary patch')
    reject('MALFORMED_INPUT', `${name}: binary patches cannot be applied exactly; refused`);
  if (unappliable !== undefined)
    reject(
      'MALFORMED_INPUT',
      `${name}: a ${unappliable}; patchtrail writes regular files only; refused`,
    );
  // A copy is made from its source as its commit found it (before the diff, as git apply makes
  // it; in a series, as the commits before left it): the commit may also change the source, in
  // a file patch before the copy's.
  const read = file.kind === 'copy' ? original : current;
  const source = file.oldPath === null ? undefined : await read(tree, plan, entries, file.oldPath);
  if (file.oldPath !== null && source === undefined)
    reject('APPLY_CONFLICT', `${file.oldPath}: does not exist`);
  // A rename moves a file its commit found (the target's, or in a series, as the commits before
  // left it), as git apply reads it: never one an earlier file patch of the same commit made.
  // Else "rename f to g" and "rename g to f" with no g would say two renames and do nothing.
  if (
    file.kind === 'rename' &&
    file.oldPath !== null &&
    (await original(tree, plan, entries, file.oldPath)) === undefined
  )
    reject(
      'APPLY_CONFLICT',
      `${file.oldPath}: does not exist (only an earlier file patch of the same commit makes it; a rename moves a file as its commit found it, as git apply does)`,
    );
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
    change(plan, name, null);
  } else {
    if (applied.content.length > MAX_FILE_BYTES)
      reject('TOO_LARGE', `${name}: result larger than ${MAX_FILE_BYTES} bytes`);
    const executable = modeBit(file.newMode, source?.executable ?? false);
    const state: FileState = { content: applied.content, executable };
    // A modified, renamed or copied file keeps the mode and owner of the file it came from.
    if (source?.keeps !== undefined) state.keeps = source.keeps;
    change(plan, file.newPath ?? name, state);
    if (file.kind === 'rename' && file.oldPath !== null) change(plan, file.oldPath, null);
  }
  const result: FileResult = { path: name, kind };
  if ((file.kind === 'rename' || file.kind === 'copy') && file.oldPath !== null)
    result.from = file.oldPath;
  plan.files.push(result);
}

export async function plan(
  tree: Tree,
  diff: ParsedDiff,
  entries: Map<string, TreeEntry>,
  fuzz: number,
): Promise<Planned> {
  const planned: Planning = {
    ...{ overlay: new Map(), reads: new Map(), files: [], hunks: [] },
    ...{ undoneCopies: [], beforeCommit: new Map() },
  };
  const endCommit = async () => {
    for (const copy of planned.undoneCopies.splice(0))
      await undoCopy(tree, copy, planned, entries, fuzz);
    planned.beforeCommit.clear();
  };
  let commit = diff.files[0]?.commit ?? 0;
  for (const file of diff.files) {
    if ((file.commit ?? 0) !== commit) {
      await endCommit();
      commit = file.commit ?? 0;
    }
    await planFile(tree, file, planned, entries, fuzz);
  }
  await endCommit();
  return planned;
}

export function changesOf(overlay: Overlay, entries: Map<string, TreeEntry>): TreeChange[] {
  const changes: TreeChange[] = [];
  let total = 0;
  for (const [path, state] of overlay) {
    if (state === null) {
      if (entries.has(path)) changes.push({ action: 'delete', path });
    } else {
      total += state.content.length;
      const { content, executable, keeps } = state;
      changes.push({
        action: 'write',
        path,
        content,
        executable,
        ...(keeps !== undefined ? { keeps } : {}),
      });
    }
  }
  if (total > MAX_WRITE_BYTES)
    reject('TOO_LARGE', `the diff writes ${total} bytes; the limit is ${MAX_WRITE_BYTES}`);
  return changes;
}
