/**
 * Crash-safe commits for the Node tree. Protocol (see core/diff/tree.ts and journal.ts):
 *   0. check every op against the tree (core/diff/commit-check.ts): what could not finish is
 *      refused here, before anything is staged;
 *   1. stage every new file under DIR/.patchtrail/txn/new/, then fsync them all and that
 *      directory, concurrently (concurrent fsyncs share one filesystem flush);
 *   2. write DIR/.patchtrail/txn/journal.json with the SHA-256 of its ops, and fsync it and its
 *      directory: the commit point. A journal that is missing or torn (checksum) was never
 *      committed; a whole one only names staged files, durable since step 1;
 *   3. replay the journal: rename each staged file into place (atomic per file), unlink
 *      deleted files and prune the directories they leave empty;
 *   4. remove the journal, then the transaction directory, then .patchtrail/ if empty.
 * Replaying is idempotent, so `recover` after a crash at any point gives all-old or all-new;
 * it checks the ops still to replay as a commit's are, so a journal that cannot finish (or
 * was planted) is refused with nothing changed. `pending` finds what `recover` would do
 * without doing it. The transaction directory is checked before use (./node-journal.ts).
 */
import { mkdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkCommit, opsToReplay, type TreeProbe } from '../core/diff/commit-check.ts';
import { encodeJournal, planCommit, remainingOps, type JournalOp } from '../core/diff/journal.ts';
import type { PendingCommit, RecoveryOutcome, Tree } from '../core/diff/tree.ts';
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
  const sync = options.durable === false ? async () => undefined : syncAll;
  let step = 0;
  const mark = (what: string): void => options.onStep?.(++step, what);

  function pruneEmptyParents(path: string): void {
    const parts = path.split('/').slice(0, -1);
    while (parts.length > 0 && removeDir(join(tree.root, ...parts))) parts.pop();
  }

  function replay(ops: readonly JournalOp[]): void {
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
    mark('finish');
    rmSync(paths.journal, { force: true });
    removeTxn(paths, { state: true, txn: true, staged: true, journal: false });
  }

  /** The ops a committed journal still has to replay, checked; undefined when torn. */
  const journaledOps = () =>
    opsToReplay(readJournalFile(paths), async (blob) => stagedKind(paths, blob), tree.probe);

  /** Step 1: every new file staged and durable, with the directory that names them. */
  async function stage(ops: readonly JournalOp[], blobs: Map<string, Uint8Array>) {
    createTxn(paths, inspectTxn(paths));
    const staged: string[] = [];
    for (const op of ops) {
      if (op.action !== 'write') continue;
      const file = join(paths.staged, op.blob);
      mark(`stage ${op.path}`);
      writeNewFile(file, blobs.get(op.blob) ?? new Uint8Array(), op.executable ? 0o755 : 0o644);
      staged.push(file);
    }
    await sync([...staged, paths.staged]); // the blobs, and the names the journal will use
  }

  /** Step 2, the commit point: the journal and its directory entry, durable. */
  async function writeJournal(ops: readonly JournalOp[]): Promise<void> {
    mark('journal');
    writeNewFile(paths.journal, encodeJournal(ops), 0o644);
    await sync([paths.journal, paths.txn]);
  }

  async function replayWithRetry(ops: readonly JournalOp[]): Promise<void> {
    try {
      replay(ops);
    } catch (error) {
      // Past the commit point the change must complete: one more try, then report.
      try {
        replay(await remainingOps(ops, async (blob) => stagedKind(paths, blob)));
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
      step = 0;
      await stage(ops, blobs);
      await writeJournal(ops);
      await replayWithRetry(ops);
    },
    async recover(): Promise<RecoveryOutcome> {
      tree.forget();
      const found = inspectTxn(paths);
      const ops = found.journal ? await journaledOps() : undefined;
      if (ops !== undefined) {
        replay(ops);
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
