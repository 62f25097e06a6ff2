/**
 * The Node filesystem `Tree`, with crash-safe commits. Protocol (see core/diff/tree.ts):
 *   1. stage every new file under DIR/.patchtrail/txn/new/, then fsync them all and that
 *      directory, concurrently (concurrent fsyncs share one filesystem flush);
 *   2. write DIR/.patchtrail/txn/journal.json with the SHA-256 of its ops, and fsync it and its
 *      directory: the commit point. A journal that is missing or torn (checksum) was never
 *      committed; a whole one only names staged files, durable since step 1;
 *   3. replay the journal: rename each staged file into place (atomic per file), unlink
 *      deleted files and prune the directories they leave empty;
 *   4. remove the journal, then the transaction directory.
 * Replaying is idempotent, so `recover` after a crash at any point gives all-old or all-new.
 * Every path is re-checked against symlinks at commit time and must stay under DIR.
 *
 * Calls are synchronous on purpose (~5 µs against ~35 µs through fs/promises; a commit's steps
 * are sequential anyway), except fsync, which runs concurrently.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fsync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { reject, type RecoveryOutcome, type Tree, type TreeChange } from '../core/index.ts';
import { JOURNAL_VERSION, opsChecksum, readJournal, type JournalOp } from './node-journal.ts';
import { makeFileReader } from './node-reader.ts';

const TXN = join('.patchtrail', 'txn');
/** fsyncs in flight at once: enough to share a flush, few enough to bound open files. */
const CONCURRENT_SYNCS = 16;

export interface NodeTreeOptions {
  /** Called before each mutating step of a commit; tests use it to crash at chosen points. */
  onStep?: (step: number, what: string) => void;
  /**
   * False skips every fsync: still all-or-nothing when the process is killed (the page cache
   * outlives it), not across a power loss. Only to measure what durability costs (the apply
   * bench); the CLI never turns it off. Default true.
   */
  durable?: boolean;
  /**
   * The directory of the stat cache (see stat-cache.ts): tree hashes read only the files
   * whose stat changed since they were last hashed. Without it every file is read each time.
   */
  statCache?: string;
}

const lstatOrUndefined = (path: string): Stats | undefined =>
  lstatSync(path, { throwIfNoEntry: false });

/** False when the directory is not empty, or gone. */
function removeDir(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch {
    return false;
  }
}

function fsyncPath(path: string): Promise<void> {
  const fd = openSync(path, constants.O_RDONLY);
  return new Promise<void>((done, fail) =>
    fsync(fd, (error) => (error ? fail(error) : done())),
  ).finally(() => closeSync(fd));
}

/** fsyncs every path (files and directories), CONCURRENT_SYNCS at a time. */
async function syncAll(paths: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < paths.length; i = next++) await fsyncPath(paths[i] as string);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_SYNCS, paths.length) }, worker));
}

function writeNewFile(path: string, content: Uint8Array, mode: number): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
  try {
    for (let at = 0; at < content.length;) at += writeSync(fd, content, at);
    fchmodSync(fd, mode); // the umask may have cleared bits of `mode`
  } finally {
    closeSync(fd);
  }
}

export function makeNodeTree(dir: string, options: NodeTreeOptions = {}): Tree {
  const root = resolve(dir);
  const txn = join(root, TXN);
  const journalPath = join(txn, 'journal.json');
  const sync: typeof syncAll = options.durable === false ? async () => undefined : syncAll;
  let step = 0;
  const mark = (what: string): void => options.onStep?.(++step, what);
  /** Ancestors already seen to be real directories; forgotten whenever the tree changes. */
  const realDirs = new Set<string>();

  /** Resolves a tree path under root, refusing escapes and symlinked ancestors. */
  function locate(path: string): string {
    const parts = path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..'))
      reject('UNSAFE_PATH', `unsafe path ${JSON.stringify(path)}`);
    const full = resolve(root, ...parts);
    if (!full.startsWith(root + sep))
      reject('UNSAFE_PATH', `path ${JSON.stringify(path)} leaves the target`);
    let at = root;
    for (const part of parts.slice(0, -1)) {
      at = join(at, part);
      if (realDirs.has(at)) continue;
      if (lstatOrUndefined(at)?.isSymbolicLink())
        reject('UNSAFE_PATH', `path ${JSON.stringify(path)} goes through a symbolic link`);
    }
    return full;
  }

  function pruneEmptyParents(path: string): void {
    const parts = path.split('/').slice(0, -1);
    while (parts.length > 0 && removeDir(join(root, ...parts))) parts.pop();
  }

  /**
   * Ops done before a crash need not (and, on case-insensitive filesystems, must not) run
   * again: a staged file that is gone proves its write and every op before it finished.
   */
  function firstPending(ops: readonly JournalOp[]): number {
    let done = 0;
    for (const [index, op] of ops.entries()) {
      if (op.action === 'write' && lstatOrUndefined(join(txn, 'new', op.blob ?? '')) === undefined)
        done = index + 1;
    }
    return done;
  }

  function replay(ops: readonly JournalOp[]): void {
    for (const op of ops.slice(firstPending(ops))) {
      const target = locate(op.path);
      if (op.action === 'write') {
        mkdirSync(join(target, '..'), { recursive: true });
        mark(`move ${op.path}`);
        renameSync(join(txn, 'new', op.blob ?? ''), target);
        continue;
      }
      const info = lstatOrUndefined(target);
      if (info !== undefined && !info.isDirectory()) {
        mark(`delete ${op.path}`);
        unlinkSync(target);
      }
      pruneEmptyParents(op.path);
    }
    mark('finish');
    rmSync(journalPath, { force: true });
    finishTxn();
  }

  /** Removes the (normally empty) transaction directory, and .patchtrail/ when it empties. */
  function finishTxn(): void {
    if (!(removeDir(join(txn, 'new')) && removeDir(txn)))
      rmSync(txn, { recursive: true, force: true });
    removeDir(join(root, '.patchtrail')); // leave no trace when empty
  }

  /** Step 1: every new file staged and durable, with the directory that names them. */
  async function stage(changes: readonly TreeChange[]): Promise<JournalOp[]> {
    rmSync(txn, { recursive: true, force: true });
    mkdirSync(join(txn, 'new'), { recursive: true });
    const ops: JournalOp[] = [];
    const staged: string[] = [];
    for (const [index, change] of changes.entries()) {
      locate(change.path);
      if (change.action === 'delete') {
        ops.push({ action: 'delete', path: change.path });
        continue;
      }
      const blob = String(index);
      const file = join(txn, 'new', blob);
      mark(`stage ${change.path}`);
      writeNewFile(file, change.content, change.executable ? 0o755 : 0o644);
      staged.push(file);
      ops.push({ action: 'write', path: change.path, blob, executable: change.executable });
    }
    await sync([...staged, join(txn, 'new')]); // the blobs, and the names the journal will use
    return ops;
  }

  /** Step 2, the commit point: the journal and its directory entry, durable. */
  async function writeJournal(ops: readonly JournalOp[]): Promise<void> {
    mark('journal');
    const text = JSON.stringify({ version: JOURNAL_VERSION, ops, sha256: opsChecksum(ops) });
    writeNewFile(journalPath, Buffer.from(text), 0o644);
    await sync([journalPath, txn]);
  }

  const files = makeFileReader(root, locate, realDirs, options.statCache);

  return {
    list: async () => files.list(),
    async stat(path) {
      const info = lstatOrUndefined(locate(path));
      if (info === undefined) return undefined;
      const kind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : 'file';
      return { path, kind, executable: (info.mode & 0o100) !== 0 };
    },
    read: async (path) => files.read(path),
    digest: async (path) => files.digest(path),
    digests: async (paths) => files.digests(paths),
    async commit(changes) {
      realDirs.clear();
      files.forget();
      if (new Set(changes.map((c) => c.path)).size !== changes.length) {
        throw new TypeError('commit: each path may change once');
      }
      if (lstatOrUndefined(journalPath) !== undefined) {
        throw new Error('an interrupted commit is pending in this directory: recover() first');
      }
      step = 0;
      // Deletes first, so a file can give way to a directory of the same name and back.
      const ordered = [
        ...changes.filter((c) => c.action === 'delete'),
        ...changes.filter((c) => c.action === 'write'),
      ];
      const ops = await stage(ordered);
      await writeJournal(ops);
      try {
        replay(ops);
      } catch (error) {
        // Past the commit point the change must complete: one more try, then report.
        try {
          replay(ops);
        } catch {
          throw error;
        }
      }
    },
    async recover(): Promise<RecoveryOutcome> {
      realDirs.clear();
      files.forget();
      const ops =
        lstatOrUndefined(journalPath) === undefined
          ? undefined
          : readJournal(readFileSync(journalPath, 'utf8'));
      if (ops !== undefined) {
        replay(ops);
        return 'rolled-forward';
      }
      if (lstatOrUndefined(txn) === undefined) return 'none';
      rmSync(txn, { recursive: true, force: true });
      return 'discarded';
    },
  };
}
