/**
 * Crash-safe commits for the Node tree. Protocol (see core/diff/tree.ts and journal.ts):
 *   0. check every op against the tree (core/diff/commit-check.ts): what could not finish is
 *      refused here, before anything is staged;
 *   1. stage every new file under DIR/.patchtrail/txn/new/, and write
 *      DIR/.patchtrail/txn/journal.json (version 3: the SHA-256 of its ops, and of each staged
 *      blob);
 *   2. fsync the blobs, the journal and both directories that name them, concurrently, in one
 *      round (concurrent fsyncs share one filesystem flush): when it completes, that is the
 *      commit point. A crash during it may leave any of them torn: a journal that is missing
 *      or fails its checksum, or a blob that fails the checksum the journal gives it while no
 *      op has run, was never committed, and is discarded (core's intactBlobs). Nothing is
 *      moved before the round completes, so a torn blob can never have been replayed;
 *   3. replay the journal: rename each staged file into place (atomic per file), unlink
 *      deleted files and prune the directories they leave empty; then fsync, concurrently in
 *      one round, every directory from the root down to each path the journal names (which
 *      covers the renames' and unlinks' directories, those made for new files and the parents
 *      of pruned ones): a rename is durable only once its directory is, and the journal must
 *      outlive every change it would redo. A recovery does the same for the whole journal,
 *      since the moves made before a crash may still be in the page cache only;
 *   4. remove the journal, then the transaction directory, then .patchtrail/ if empty.
 * Replaying is idempotent, so `recover` after a crash at any point gives all-old or all-new;
 * it checks the ops still to replay as a commit's are, so a journal that cannot finish (or
 * was planted) is refused with nothing changed. `pending` finds what `recover` would do
 * without doing it. The transaction directory is checked before use (./node-journal.ts).
 */
import { sha256Hex } from './node-crypto.ts';
import { mkdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkCommit, opsToReplay, type TreeProbe } from '../core/diff/commit-check.ts';
import {
  decodeJournal,
  encodeJournal,
  planCommit,
  remainingOps,
  type JournalOp,
} from '../core/diff/journal.ts';
import type { PendingCommit, RecoveryOutcome, Tree } from '../core/diff/tree.ts';
import { keptMode, newFileMode } from './file-modes.ts';
import { lstatOrUndefined, syncAll } from './node-fs.ts';
import {
  createTxn,
  inspectTxn,
  readJournalFile,
  readStaged,
  removeDir,
  removeTxn,
  stagedKind,
  txnPaths,
  writeNewFile,
} from './node-journal.ts';

export interface NodeCommitOptions {
  /** Called before each mutating step of a commit; tests use it to crash at chosen points. */
  onStep?: (step: number, what: string) => void;
  /**
   * False skips every fsync: still all-or-nothing when the process is killed (the page cache
   * outlives it), not across a power loss. Only to measure what durability costs (the apply
   * bench); the CLI never turns it off. Default true.
   */
  durable?: boolean;
  /** What makes paths durable (default: fsync each, concurrently); tests record the calls. */
  sync?: (paths: readonly string[]) => Promise<void>;
}

/** What the commit protocol needs of the tree it runs in. */
export interface NodeTreeAccess {
  root: string;
  probe: TreeProbe;
  /** A tree path as a filesystem path under root, refusing escapes and symlinked ancestors. */
  locate(path: string): string;
  /** Forgets what is known about the tree's directories (it is about to change). */
  forget(): void;
}

export function makeNodeCommits(
  tree: NodeTreeAccess,
  options: NodeCommitOptions = {},
): Pick<Tree, 'commit' | 'recover' | 'pending'> {
  const paths = txnPaths(tree.root);
  const sync = options.durable === false ? async () => undefined : (options.sync ?? syncAll);
  let step = 0;
  const mark = (what: string): void => options.onStep?.(++step, what);

  function pruneEmptyParents(path: string): void {
    const parts = path.split('/').slice(0, -1);
    while (parts.length > 0 && removeDir(join(tree.root, ...parts))) parts.pop();
  }

  /** The directories from the root down to each op's parent that exist now. */
  function directoriesOf(ops: readonly JournalOp[]): string[] {
    const dirs = new Set<string>([tree.root]);
    for (const op of ops) {
      const parts = op.path.split('/').slice(0, -1);
      for (let n = 1; n <= parts.length; n++) dirs.add(join(tree.root, ...parts.slice(0, n)));
    }
    return [...dirs].filter((dir) => lstatOrUndefined(dir)?.isDirectory() === true);
  }

  /** Runs `ops`, then makes every directory `journaled` touches durable, then ends the txn. */
  async function replay(
    ops: readonly JournalOp[],
    journaled: readonly JournalOp[] = ops,
  ): Promise<void> {
    for (const op of ops) {
      const target = tree.locate(op.path);
      if (op.action === 'write') {
        mkdirSync(dirname(target), { recursive: true });
        mark(`move ${op.path}`);
        renameSync(join(paths.staged, op.blob), target);
        continue;
      }
      const info = lstatOrUndefined(target);
      if (info !== undefined && !info.isDirectory()) {
        mark(`delete ${op.path}`);
        unlinkSync(target);
      }
      pruneEmptyParents(op.path);
    }
    mark('sync directories');
    await sync(directoriesOf(journaled));
    mark('finish');
    rmSync(paths.journal, { force: true });
    removeTxn(paths, { state: true, txn: true, staged: true, journal: false });
  }

  const stagedBlobs = {
    kind: async (blob: string) => stagedKind(paths, blob),
    sha256: async (blob: string) => sha256Hex(readStaged(paths, blob).content),
  };
  /** The ops a committed journal still has to replay, checked; undefined when torn. */
  const journaledOps = (journal = readJournalFile(paths)) =>
    opsToReplay(journal, stagedBlobs, tree.probe);

  /**
   * The mode and owner a written file gets: those of the file it keeps (itself when modified,
   * the source of a rename or copy) with the diff's executable bit (file-modes.ts), read before
   * anything moves; a new file's mode otherwise. Staged files carry them, so a rename into place
   * and a recovery's roll forward give the same; the journal needs no field for them.
   */
  function keptAttributes(keeps: string | undefined, executable: boolean) {
    const info = keeps === undefined ? undefined : lstatOrUndefined(tree.locate(keeps));
    if (info === undefined || !info.isFile()) return { mode: newFileMode(executable) };
    return {
      mode: keptMode(info.mode, executable),
      owner: { uid: info.uid, gid: info.gid },
    };
  }

  /**
   * Steps 1 and 2: every new file staged, the journal naming each one's SHA-256 written, and
   * all of it made durable in one round; its end is the commit point.
   */
  async function stageAndJournal(
    ops: readonly JournalOp[],
    blobs: Map<string, Uint8Array>,
    keeps: ReadonlyMap<string, string>,
  ) {
    createTxn(paths, inspectTxn(paths));
    const staged: string[] = [];
    const summed = ops.map((op) => {
      if (op.action !== 'write') return op;
      const file = join(paths.staged, op.blob);
      const content = blobs.get(op.blob) ?? new Uint8Array();
      mark(`stage ${op.path}`);
      const kept = keptAttributes(keeps.get(op.path), op.executable);
      writeNewFile(file, content, kept.mode, kept.owner);
      staged.push(file);
      return { ...op, sha256: sha256Hex(content) };
    });
    mark('journal');
    writeNewFile(paths.journal, encodeJournal(summed), 0o644);
    // The blobs, the journal, and the directories that name them.
    await sync([...staged, paths.journal, paths.staged, paths.txn]);
  }

  async function replayWithRetry(ops: readonly JournalOp[]): Promise<void> {
    try {
      await replay(ops);
    } catch (error) {
      // Past the commit point the change must complete: one more try, then report.
      try {
        await replay(await remainingOps(ops, async (blob) => stagedKind(paths, blob)), ops);
      } catch {
        throw error;
      }
    }
  }

  return {
    async commit(changes) {
      tree.forget();
      if (inspectTxn(paths).journal)
        throw new Error('an interrupted commit is pending in this directory: recover() first');
      const { ops, blobs } = planCommit(changes);
      await checkCommit(tree.probe, ops);
      const keeps = new Map<string, string>();
      for (const change of changes)
        if (change.action === 'write' && change.keeps !== undefined)
          keeps.set(change.path, change.keeps);
      step = 0;
      await stageAndJournal(ops, blobs, keeps);
      await replayWithRetry(ops);
    },
    async recover(): Promise<RecoveryOutcome> {
      tree.forget();
      const found = inspectTxn(paths);
      const journal = found.journal ? readJournalFile(paths) : undefined;
      const ops = journal === undefined ? undefined : await journaledOps(journal);
      if (journal !== undefined && ops !== undefined) {
        const state = decodeJournal(journal); // every op, those replayed before the crash too
        await replay(ops, state.committed ? state.ops : ops);
        return 'rolled-forward';
      }
      removeTxn(paths, found);
      return found.txn ? 'discarded' : 'none';
    },
    async pending(): Promise<PendingCommit> {
      tree.forget();
      const found = inspectTxn(paths);
      const ops = found.journal ? await journaledOps() : undefined;
      if (ops === undefined) return { outcome: found.txn ? 'discarded' : 'none' };
      const changes = ops.map((op) =>
        op.action === 'delete'
          ? op
          : { action: op.action, path: op.path, ...readStaged(paths, op.blob) },
      );
      return { outcome: 'rolled-forward', changes };
    },
  };
}
