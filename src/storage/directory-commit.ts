/**
 * All-or-nothing commits for the browser directory tree, also when the tab is closed or killed
 * midway:
 *   0. check every op against the tree (core/diff/commit-check.ts): what could not finish is
 *      refused before anything is staged;
 *   1. stage every new file's bytes in `.patchtrail/txn/new/<n>`;
 *   2. write `.patchtrail/txn/journal.json` (core/diff/journal.ts) — the commit point. A
 *      writable replaces a file's content only on close(), so the journal is empty (just
 *      created) or whole;
 *   3. apply the journal's ops in order: move a staged file into place, or delete a file and
 *      the directories it leaves empty;
 *   4. remove the journal (the commit is done), then `.patchtrail/txn/`.
 * `recover` replays a journal it finds (every op is idempotent; the ops still to run are
 * checked as a commit's are) or, without one, discards the staging; `pending` says what it
 * would do and changes nothing. A commit that throws (not a crash) settles at once: before the
 * commit point it discards and rethrows, the tree untouched; after it, it rolls forward and
 * resolves, because the change took effect.
 */
import { checkCommit, opsToReplay, type TreeProbe } from '../core/diff/commit-check.ts';
import { sha256Hex } from '../core/crypto/hash.ts';
import {
  encodeJournal,
  JOURNAL_FILE,
  planCommit,
  STAGED_DIR,
  STATE_DIR,
  TXN_DIR,
  type JournalOp,
} from '../core/diff/journal.ts';
import type { PendingCommit, RecoveryOutcome, Tree, TreeChange } from '../core/diff/tree.ts';
import {
  findDir,
  findFile,
  isDomError,
  isEmptyDir,
  makeDirs,
  moveInto,
  pathNames,
  readBytes,
  removeEmptyDirs,
  writeBytes,
} from './handles.ts';
import { inspectTxn, readStaged, stagedKind, type FoundTxn } from './txn-journal.ts';

export interface DirectoryCommitOptions {
  /**
   * Tests only: throw a simulated crash right after step k of a commit and do nothing more,
   * as if the tab had died. Steps: one per staged file, the journal, one per op, removing
   * the journal, removing the txn directory.
   */
  _failAfterStep?: number;
  /**
   * Tests only: after step k, wait forever (the page is then closed or killed from outside,
   * as the CLI's PATCHTRAIL_CRASH_AT_STEP does). Steps are counted as for `_failAfterStep`.
   */
  _pauseAfterStep?: number;
}

/** What `_failAfterStep` throws. Commit does not try to clean up after it. */
class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** Applies one journal op; safe to repeat after it was (partly) applied. */
async function applyOp(
  root: FileSystemDirectoryHandle,
  staged: FileSystemDirectoryHandle | undefined,
  op: JournalOp,
): Promise<void> {
  const names = pathNames(op.path);
  const parentNames = names.slice(0, -1);
  const name = names.at(-1) ?? '';
  if (op.action === 'delete') {
    const parent = await findDir(root, parentNames);
    if (parent !== undefined && (await findFile(parent, name)) !== undefined) {
      await parent.removeEntry(name);
    }
    await removeEmptyDirs(root, parentNames);
    return;
  }
  // A missing blob was already moved into place by an earlier run of this op.
  const blob = staged === undefined ? undefined : await findFile(staged, op.blob);
  if (staged === undefined || blob === undefined) return;
  await moveInto(blob, staged, op.blob, await makeDirs(root, parentNames), name);
}

export function makeDirectoryCommits(
  root: FileSystemDirectoryHandle,
  probe: TreeProbe,
  options: DirectoryCommitOptions = {},
): Pick<Tree, 'commit' | 'recover' | 'pending'> {
  /** Removes `.patchtrail/txn/` and then `.patchtrail/` itself when nothing else is in it. */
  async function removeTxn(): Promise<void> {
    const state = await findDir(root, [STATE_DIR]);
    if (state === undefined) return;
    await state.removeEntry(TXN_DIR, { recursive: true }).catch((error: unknown) => {
      if (!isDomError(error, 'NotFoundError')) throw error;
    });
    await removeEmptyDirs(root, [STATE_DIR]);
  }

  /**
   * The ops a journal still has to replay, checked (see core's remainingOps); undefined when
   * there is none or it never reached the commit point. getFileHandle({ create: true }) makes
   * an empty file before close() swaps the content in, so an empty journal is a torn one.
   */
  async function journaledOps(found: FoundTxn): Promise<JournalOp[] | undefined> {
    const bytes = found.journal === undefined ? undefined : await readBytes(found.journal);
    if (bytes === undefined || bytes.length === 0) return undefined;
    const staged = {
      kind: (blob: string) => stagedKind(found.staged, blob),
      sha256: async (blob: string) => sha256Hex(await readStaged(found.staged, blob)),
    };
    return opsToReplay(bytes, staged, probe);
  }

  async function recover(): Promise<RecoveryOutcome> {
    const found = await inspectTxn(root);
    if (found.txn === undefined) {
      if (found.state !== undefined && (await isEmptyDir(found.state))) await removeTxn();
      return 'none';
    }
    const ops = await journaledOps(found);
    if (ops === undefined) {
      await removeTxn();
      return 'discarded';
    }
    for (const op of ops) await applyOp(root, found.staged, op);
    await found.txn.removeEntry(JOURNAL_FILE);
    await removeTxn();
    return 'rolled-forward';
  }

  async function pending(): Promise<PendingCommit> {
    const found = await inspectTxn(root);
    if (found.txn === undefined) return { outcome: 'none' };
    const ops = await journaledOps(found);
    if (ops === undefined) return { outcome: 'discarded' };
    const changes: TreeChange[] = [];
    for (const op of ops) {
      if (op.action === 'delete') changes.push(op);
      else {
        const content = await readStaged(found.staged, op.blob);
        changes.push({ action: 'write', path: op.path, content, executable: false });
      }
    }
    return { outcome: 'rolled-forward', changes };
  }

  /**
   * After a commit failed with an exception before it was done: finish it when its journal
   * was written (the commit then took effect, and says so by returning), else discard the
   * staging and rethrow, leaving the tree as it was.
   */
  async function settleAfterFailure(error: unknown): Promise<void> {
    let outcome: RecoveryOutcome;
    try {
      outcome = await recover();
    } catch (again) {
      throw new Error(
        'commit: failed, and could not be settled now; recover() will finish or discard it',
        { cause: new AggregateError([error, again]) },
      );
    }
    if (outcome !== 'rolled-forward') throw error;
  }

  async function commit(changes: readonly TreeChange[]): Promise<void> {
    const { ops, blobs } = planCommit(changes);
    if ((await inspectTxn(root)).txn !== undefined && (await recover()) === 'rolled-forward') {
      throw new Error(
        'commit: an interrupted commit was pending and has just been finished; re-read the tree and plan again',
      );
    }
    await checkCommit(probe, ops);
    let step = 0;
    const stepDone = async () => {
      step += 1;
      if (step === options._failAfterStep) {
        throw new SimulatedCrash(`simulated crash after step ${step}`);
      }
      if (step === options._pauseAfterStep) await new Promise<never>(() => undefined);
    };
    let done = false;
    try {
      const staged = await makeDirs(root, [STATE_DIR, TXN_DIR, STAGED_DIR]);
      for (const [blob, content] of blobs) {
        await writeBytes(staged, blob, content);
        await stepDone();
      }
      const txn = await makeDirs(root, [STATE_DIR, TXN_DIR]);
      await writeBytes(txn, JOURNAL_FILE, encodeJournal(ops)); // the commit point
      await stepDone();
      for (const op of ops) {
        await applyOp(root, staged, op);
        await stepDone();
      }
      await txn.removeEntry(JOURNAL_FILE);
      done = true;
      await stepDone();
      await removeTxn();
      await stepDone();
    } catch (error) {
      if (error instanceof SimulatedCrash) throw error;
      if (!done) return settleAfterFailure(error);
      await recover().catch(() => undefined); // the commit took effect; only tidying was left
    }
  }

  return { commit, recover, pending };
}
