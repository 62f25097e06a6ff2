/**
 * The browser tree's transaction directory: `.patchtrail/txn/` with the staged blobs in `new/`
 * and `journal.json` (format: core/diff/journal.ts). In a picked folder anyone can edit it, so
 * before use every component is checked to be what the protocol puts there (a directory, or a
 * file); anything else is UNSAFE_PATH with nothing touched. These APIs have no symlinks, FIFOs
 * or devices: a wrong kind is a file where a directory belongs, or the other way round.
 */
import {
  JOURNAL_FILE,
  STAGED_DIR,
  STATE_DIR,
  TXN_DIR,
  type StagedKind,
} from '../core/diff/journal.ts';
import { reject } from '../core/errors.ts';
import { findDir, findFile, kindAt, readBytes } from './handles.ts';

export interface FoundTxn {
  state?: FileSystemDirectoryHandle;
  txn?: FileSystemDirectoryHandle;
  staged?: FileSystemDirectoryHandle;
  journal?: FileSystemFileHandle;
}

function unsafe(names: readonly string[], found: string, expected: string): never {
  return reject(
    'UNSAFE_PATH',
    `${names.join('/')} in the target is ${found}, not ${expected}: patchtrail keeps its transaction there; nothing was changed: move ${STATE_DIR} away to go on`,
  );
}

/** The directory `name` in `dir`: undefined when absent, refused when a file is there. */
async function stateDir(
  dir: FileSystemDirectoryHandle | undefined,
  names: readonly string[],
): Promise<FileSystemDirectoryHandle | undefined> {
  const name = names.at(-1) ?? '';
  if (dir === undefined) return undefined;
  if ((await kindAt(dir, [name])) === 'file') unsafe(names, 'a file', 'a directory');
  return findDir(dir, [name]);
}

/** Which parts of a transaction are there, every one checked for its kind. */
export async function inspectTxn(root: FileSystemDirectoryHandle): Promise<FoundTxn> {
  const found: FoundTxn = {};
  const state = await stateDir(root, [STATE_DIR]);
  const txn = await stateDir(state, [STATE_DIR, TXN_DIR]);
  const staged = await stateDir(txn, [STATE_DIR, TXN_DIR, STAGED_DIR]);
  if (txn !== undefined && (await kindAt(txn, [JOURNAL_FILE])) === 'dir')
    unsafe([STATE_DIR, TXN_DIR, JOURNAL_FILE], 'a directory', 'a file');
  const journal = txn === undefined ? undefined : await findFile(txn, JOURNAL_FILE);
  if (state !== undefined) found.state = state;
  if (txn !== undefined) found.txn = txn;
  if (staged !== undefined) found.staged = staged;
  if (journal !== undefined) found.journal = journal;
  return found;
}

export async function stagedKind(
  staged: FileSystemDirectoryHandle | undefined,
  blob: string,
): Promise<StagedKind> {
  const kind = staged === undefined ? undefined : await kindAt(staged, [blob]);
  return kind === undefined ? 'missing' : kind === 'file' ? 'file' : 'other';
}

/** A staged blob's bytes, for a look at what a pending commit would write. */
export async function readStaged(
  staged: FileSystemDirectoryHandle | undefined,
  blob: string,
): Promise<Uint8Array> {
  const file = staged === undefined ? undefined : await findFile(staged, blob);
  if (file === undefined) unsafe([STATE_DIR, TXN_DIR, STAGED_DIR, blob], 'missing', 'a file');
  return readBytes(file);
}
