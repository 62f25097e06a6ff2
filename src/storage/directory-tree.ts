/**
 * The `Tree` that patch application runs over, for the browser: one adapter over a
 * `FileSystemDirectoryHandle`, so the same code serves a workspace in the Origin Private File
 * System and a real folder the user picked with `showDirectoryPicker` (see ./workspaces.ts).
 *
 * `commit` is all or nothing, also when the tab is closed or killed midway:
 *   1. stage every new file's bytes in `.patchtrail/txn/new/<n>`;
 *   2. write `.patchtrail/txn/journal.json` — the commit point. A writable replaces a file's
 *      content only on close(), so the journal is empty (just created) or whole, never torn;
 *   3. apply the journal's ops in order: move a staged file into place, or delete a file and
 *      the directories it leaves empty;
 *   4. remove the journal (the commit is done), then `.patchtrail/txn/`.
 * `recover` replays a journal it finds (every op is idempotent) or, without one, discards the
 * staging. A commit that throws (not a crash) settles at once: before the commit point it
 * discards and rethrows, the tree untouched; after it, it rolls forward and resolves, because
 * the change took effect. These APIs have no file modes and no symlinks: every entry is a
 * plain file or a directory.
 */
import type { RecoveryOutcome, Tree, TreeChange, TreeEntry } from '../core/diff/tree.ts';
import { checkCommit } from './commit-check.ts';
import {
  entriesOf,
  findDir,
  findFile,
  isDomError,
  isEmptyDir,
  isReservedName,
  kindAt,
  makeDirs,
  moveInto,
  pathNames,
  readBytes,
  removeEmptyDirs,
  writeBytes,
} from './handles.ts';
import {
  encodeJournal,
  JOURNAL_FILE,
  parseJournal,
  planCommit,
  STAGED_DIR,
  STATE_DIR,
  TXN_DIR,
  type JournalOp,
} from './txn-journal.ts';

export interface DirectoryTreeOptions {
  /**
   * A Web Locks name that every commit and recovery holds, so two tabs over the same
   * directory never interleave (./workspaces.ts names one per OPFS workspace).
   */
  lockName?: string;
  /**
   * Tests only: throw a simulated crash right after step k of a commit and do nothing more,
   * as if the tab had died. Steps: one per staged file, the journal, one per op, removing
   * the journal, removing the txn directory.
   */
  _failAfterStep?: number;
}

/** What `_failAfterStep` throws. Commit does not try to clean up after it. */
class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

async function listFiles(dir: FileSystemDirectoryHandle, prefix: string, out: TreeEntry[]) {
  for await (const [name, handle] of entriesOf(dir)) {
    if (prefix === '' && isReservedName(name)) continue;
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (handle.kind === 'file') out.push({ path, kind: 'file', executable: false });
    else await listFiles(handle as FileSystemDirectoryHandle, path, out);
  }
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

export function makeDirectoryTree(
  root: FileSystemDirectoryHandle,
  options: DirectoryTreeOptions = {},
): Tree {
  let queue: Promise<unknown> = Promise.resolve();

  /** One commit or recovery at a time: in this instance, and across tabs with a lock name. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locks = globalThis.navigator?.locks;
    const run =
      options.lockName === undefined || locks === undefined
        ? work
        : () => locks.request(options.lockName ?? '', work) as Promise<T>;
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  }

  const stateDir = () => findDir(root, [STATE_DIR]);
  const txnDir = () => findDir(root, [STATE_DIR, TXN_DIR]);

  /** Removes `.patchtrail/txn/` and then `.patchtrail/` itself when nothing else is in it. */
  async function removeTxn(): Promise<void> {
    const state = await stateDir();
    if (state === undefined) return;
    await state.removeEntry(TXN_DIR, { recursive: true }).catch((error: unknown) => {
      if (!isDomError(error, 'NotFoundError')) throw error;
    });
    await removeEmptyDirs(root, [STATE_DIR]);
  }

  /**
   * Re-applies a journal. Ops run in order and a write's blob disappears only once the write
   * is done, so a missing blob proves that op and every earlier one finished: replay starts
   * after the last such write. Re-running those could do harm where two paths name one file
   * (a case-only rename, delete "a.txt" + write "A.txt", in a folder on a case-insensitive disk).
   */
  async function replay(txn: FileSystemDirectoryHandle, ops: readonly JournalOp[]) {
    const staged = await findDir(txn, [STAGED_DIR]);
    let start = 0;
    for (const [index, op] of ops.entries()) {
      if (op.action !== 'write') continue;
      if (staged === undefined || (await findFile(staged, op.blob)) === undefined)
        start = index + 1;
    }
    for (const op of ops.slice(start)) await applyOp(root, staged, op);
  }

  async function recoverNow(): Promise<RecoveryOutcome> {
    const txn = await txnDir();
    if (txn === undefined) {
      const state = await stateDir();
      if (state !== undefined && (await isEmptyDir(state))) await removeTxn();
      return 'none';
    }
    const journal = await findFile(txn, JOURNAL_FILE);
    const bytes = journal === undefined ? undefined : await readBytes(journal);
    // getFileHandle({ create: true }) makes an empty file before close() swaps the content in:
    // an empty journal is one whose write never finished, so the commit point was not reached.
    if (bytes === undefined || bytes.length === 0) {
      await removeTxn();
      return 'discarded';
    }
    await replay(txn, parseJournal(bytes));
    await txn.removeEntry(JOURNAL_FILE);
    await removeTxn();
    return 'rolled-forward';
  }

  async function commitNow(changes: readonly TreeChange[]): Promise<void> {
    const { ops, blobs } = planCommit(changes);
    if ((await txnDir()) !== undefined) {
      const outcome = await recoverNow();
      if (outcome === 'rolled-forward') {
        throw new Error(
          'commit: an interrupted commit was pending and has just been finished; re-read the tree and plan again',
        );
      }
    }
    await checkCommit(root, ops);
    let step = 0;
    const stepDone = () => {
      step += 1;
      if (step === options._failAfterStep) {
        throw new SimulatedCrash(`simulated crash after step ${step}`);
      }
    };
    let done = false;
    try {
      const staged = await makeDirs(root, [STATE_DIR, TXN_DIR, STAGED_DIR]);
      for (const [blob, content] of blobs) {
        await writeBytes(staged, blob, content);
        stepDone();
      }
      const txn = await makeDirs(root, [STATE_DIR, TXN_DIR]);
      await writeBytes(txn, JOURNAL_FILE, encodeJournal(ops)); // the commit point
      stepDone();
      for (const op of ops) {
        await applyOp(root, staged, op);
        stepDone();
      }
      await txn.removeEntry(JOURNAL_FILE);
      done = true;
      stepDone();
      await removeTxn();
      stepDone();
    } catch (error) {
      if (error instanceof SimulatedCrash) throw error;
      if (!done) return settleAfterFailure(error);
      await recoverNow().catch(() => undefined); // the commit took effect; only tidying was left
    }
  }

  /**
   * After a commit failed with an exception before it was done: finish it when its journal
   * was written (the commit then took effect, and says so by returning), else discard the
   * staging and rethrow, leaving the tree as it was.
   */
  async function settleAfterFailure(error: unknown): Promise<void> {
    let outcome: RecoveryOutcome;
    try {
      outcome = await recoverNow();
    } catch (again) {
      throw new Error(
        'commit: failed, and could not be settled now; recover() will finish or discard it',
        { cause: new AggregateError([error, again]) },
      );
    }
    if (outcome !== 'rolled-forward') throw error;
  }

  return {
    async list() {
      const out: TreeEntry[] = [];
      await listFiles(root, '', out);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async stat(path) {
      const kind = await kindAt(root, pathNames(path));
      return kind === undefined ? undefined : { path, kind, executable: false };
    },
    async read(path) {
      const names = pathNames(path);
      const parent = await findDir(root, names.slice(0, -1));
      const file = parent === undefined ? undefined : await findFile(parent, names.at(-1) ?? '');
      if (file === undefined) throw new Error(`read: no file at ${JSON.stringify(path)}`);
      return readBytes(file);
    },
    commit: (changes) => exclusive(() => commitNow(changes)),
    recover: () => exclusive(recoverNow),
  };
}
