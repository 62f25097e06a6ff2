/**
 * The commit check, one for every tree: before anything is staged, every op of a commit must
 * be possible on the tree as it is. A commit that would fail halfway for a reason that does not
 * go away (a file where a directory must be made, a directory where a file must be written, a
 * file and a file inside it) must fail here, while the tree is untouched, because past the
 * commit point rolling forward could never finish it. Recovery runs the same check on the ops
 * a journal still has to replay, so a journal that cannot finish is refused, not half replayed.
 */
import { isPatchtrailError, reject } from '../errors.ts';
import {
  decodeJournal,
  intactBlobs,
  JOURNAL_PATH,
  remainingOps,
  STATE_DIR,
  type JournalOp,
  type StagedKind,
} from './journal.ts';
import type { EntryKind, Tree } from './tree.ts';

/** What the check needs to see of a tree: kinds without following symlinks, and listings. */
export interface TreeProbe {
  kind(path: string): Promise<EntryKind | undefined>;
  children(path: string): Promise<string[]>;
}

export function probeOf(tree: Tree): TreeProbe {
  return {
    kind: async (path) => (await tree.stat(path))?.kind,
    children: (path) => tree.children(path),
  };
}

export interface CheckOptions {
  /** Replaying a journal: a delete whose file is already gone was done before the crash. */
  resuming?: boolean;
}

const DESCRIBED: Record<EntryKind, string> = {
  file: 'a file',
  dir: 'a directory',
  symlink: 'a symbolic link',
  other: 'a special file (FIFO, socket or device)',
};

function refuse(kind: EntryKind | undefined, message: string): never {
  return reject(kind === 'symlink' ? 'UNSAFE_PATH' : 'APPLY_CONFLICT', message);
}

/** Kinds looked up once per check: a path's prefixes are shared by many ops. */
function memoized(probe: TreeProbe): TreeProbe {
  const kinds = new Map<string, Promise<EntryKind | undefined>>();
  return {
    kind(path) {
      let kind = kinds.get(path);
      if (kind === undefined) kinds.set(path, (kind = probe.kind(path)));
      return kind;
    },
    children: (path) => probe.children(path),
  };
}

/** Every directory a delete prunes when it empties: the ancestors of deleted paths. */
function prunable(deleted: ReadonlySet<string>): Set<string> {
  const dirs = new Set<string>();
  for (const path of deleted) {
    const names = path.split('/');
    for (let depth = 1; depth < names.length; depth++) dirs.add(names.slice(0, depth).join('/'));
  }
  return dirs;
}

/**
 * Whether the deletes remove the directory at `dir`: replay prunes the ancestors of deleted
 * paths once they are empty, so `dir` goes when it is one of them and everything in it goes
 * (files deleted, directories removed the same way). Counting ancestors rather than deleted
 * files present also holds mid-replay, when some of the files are already gone.
 */
async function removedByDeletes(
  probe: TreeProbe,
  dir: string,
  deleted: ReadonlySet<string>,
  pruned: ReadonlySet<string>,
): Promise<boolean> {
  if (!pruned.has(dir)) return false;
  for (const name of await probe.children(dir)) {
    const path = `${dir}/${name}`;
    const kind = await probe.kind(path);
    if (kind === 'file' && deleted.has(path)) continue;
    if (kind === 'dir' && (await removedByDeletes(probe, path, deleted, pruned))) continue;
    return false;
  }
  return true;
}

async function checkDelete(
  probe: TreeProbe,
  path: string,
  writes: ReadonlySet<string>,
  options: CheckOptions,
) {
  const kind = await probe.kind(path);
  if (kind === 'file') return;
  // Mid-replay, the file may be gone already, or a later write made a directory in its place.
  const madeDir = kind === 'dir' && [...writes].some((w) => w.startsWith(`${path}/`));
  if (options.resuming === true && (kind === undefined || madeDir)) return;
  refuse(
    kind,
    `cannot delete ${path}: expected a file, found ${kind ? DESCRIBED[kind] : 'nothing'}`,
  );
}

async function checkWrite(
  probe: TreeProbe,
  path: string,
  writes: ReadonlySet<string>,
  deleted: ReadonlySet<string>,
) {
  const names = path.split('/');
  const prefixes = names.slice(1).map((_, depth) => names.slice(0, depth + 1).join('/'));
  // Against the other writes first: the tree probe below stops at the first new directory.
  for (const prefix of prefixes)
    if (writes.has(prefix))
      reject('APPLY_CONFLICT', `cannot write both ${prefix} and ${path}: one is inside the other`);
  for (const prefix of prefixes) {
    if (deleted.has(prefix)) continue;
    const kind = await probe.kind(prefix);
    if (kind === undefined) return; // nothing deeper exists either
    if (kind !== 'dir') refuse(kind, `cannot write ${path}: ${prefix} is ${DESCRIBED[kind]}`);
  }
  const kind = await probe.kind(path);
  if (kind === undefined || kind === 'file') return;
  if (kind === 'dir' && (await removedByDeletes(probe, path, deleted, prunable(deleted)))) return;
  const stays = kind === 'dir' ? ' that stays non-empty' : '';
  refuse(kind, `cannot write ${path}: it is ${DESCRIBED[kind]}${stays}`);
}

/** Refuses, with APPLY_CONFLICT or UNSAFE_PATH, ops that could not all be applied. */
export async function checkCommit(
  tree: TreeProbe,
  ops: readonly JournalOp[],
  options: CheckOptions = {},
): Promise<void> {
  const probe = memoized(tree);
  const deleted = new Set<string>();
  const writes = new Set<string>();
  for (const op of ops) (op.action === 'delete' ? deleted : writes).add(op.path);
  for (const path of deleted) await checkDelete(probe, path, writes, options);
  for (const path of writes) await checkWrite(probe, path, writes, deleted);
}

/** How recovery sees the staging directory: a blob's kind, and its bytes' hex SHA-256. */
export interface StagedBlobs {
  kind(blob: string): Promise<StagedKind>;
  sha256(blob: string): Promise<string>;
}

/**
 * What recovery replays: the ops a journal still has to run (see remainingOps), checked as a
 * commit's are; undefined when the journal is torn, or a blob it names (see intactBlobs): its
 * commit point was never reached.
 */
export async function opsToReplay(
  journal: Uint8Array,
  staged: StagedBlobs,
  tree: TreeProbe,
): Promise<JournalOp[] | undefined> {
  const state = decodeJournal(journal);
  if (!state.committed) return undefined;
  const rest = await remainingOps(state.ops, (blob) => staged.kind(blob));
  const isFile = async (path: string) => (await tree.kind(path)) === 'file';
  if (!(await intactBlobs(state.ops, rest, (blob) => staged.sha256(blob), isFile)))
    return undefined;
  try {
    await checkCommit(tree, rest, { resuming: true });
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    reject(
      error.code,
      `the interrupted commit in ${JOURNAL_PATH} cannot be finished: ${error.message}; nothing was changed: move ${STATE_DIR} away to go on`,
    );
  }
  return rest;
}
