/**
 * The Node tree's transaction directory on disk: DIR/.patchtrail/txn/ with the staged blobs in
 * new/ and journal.json (format: core/diff/journal.ts). All of it is a file in the target, so
 * whoever can write there can plant anything in it: before use, every component (.patchtrail,
 * txn, new, each blob, the journal) is checked to be a real directory or a regular file, never
 * a symlink (lstat); files are opened with O_NOFOLLOW and O_NONBLOCK (a FIFO cannot hang a
 * read) and checked again with fstat once open. Anything else is UNSAFE_PATH, with nothing
 * touched. Node has no openat(), so a writer racing these checks while an apply runs is out of
 * scope; what is planted before the apply starts cannot send a read, write or delete outside.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  rmdirSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { reject } from '../core/index.ts';
import { MAX_FILE_BYTES } from '../core/diff/limits.ts';
import {
  JOURNAL_FILE,
  MAX_JOURNAL_BYTES,
  STAGED_DIR,
  STATE_DIR,
  TXN_DIR,
  type StagedKind,
} from '../core/diff/journal.ts';
import { modeForOwner } from './file-modes.ts';
import { lstatOrUndefined } from './node-fs.ts';

export interface TxnPaths {
  state: string;
  txn: string;
  staged: string;
  journal: string;
}

export function txnPaths(root: string): TxnPaths {
  const state = join(root, STATE_DIR);
  const txn = join(state, TXN_DIR);
  return { state, txn, staged: join(txn, STAGED_DIR), journal: join(txn, JOURNAL_FILE) };
}

function described(info: Stats): string {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isDirectory()) return 'a directory';
  if (info.isFile()) return info.nlink > 1 ? 'a file with other hard links' : 'a file';
  if (info.isFIFO()) return 'a FIFO';
  return 'a socket or device';
}

function unsafe(relative: string, info: Stats, expected: string): never {
  return reject(
    'UNSAFE_PATH',
    `${relative} in the target is ${described(info)}, not ${expected}: patchtrail keeps its transaction there; nothing was changed: move ${STATE_DIR} away to go on`,
  );
}

const relative = (...names: string[]) => [STATE_DIR, ...names].join('/');

/** True when a directory is there, false when nothing is; anything else is refused. */
function realDir(path: string, name: string): boolean {
  const info = lstatOrUndefined(path);
  if (info === undefined) return false;
  return info.isDirectory() || unsafe(name, info, 'a directory');
}

/** Which parts of a transaction are there, every one checked for its kind. */
export function inspectTxn(paths: TxnPaths) {
  const found = { state: false, txn: false, staged: false, journal: false };
  found.state = realDir(paths.state, STATE_DIR);
  found.txn = found.state && realDir(paths.txn, relative(TXN_DIR));
  found.staged = found.txn && realDir(paths.staged, relative(TXN_DIR, STAGED_DIR));
  const journal = found.txn ? lstatOrUndefined(paths.journal) : undefined;
  if (journal !== undefined && !journal.isFile())
    unsafe(relative(TXN_DIR, JOURNAL_FILE), journal, 'a regular file');
  found.journal = journal !== undefined;
  return found;
}

/** A staged blob's kind; only a regular file with no other link may be moved into the target. */
export function stagedKind(paths: TxnPaths, blob: string): StagedKind {
  const info = lstatOrUndefined(join(paths.staged, blob));
  if (info === undefined) return 'missing';
  return info.isFile() && info.nlink === 1 ? 'file' : 'other';
}

/** Reads a regular file opened without following a symlink, refusing anything else. */
function readChecked(
  path: string,
  name: string,
  limit: number,
): { bytes: Uint8Array; mode: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    return reject('UNSAFE_PATH', `${name} in the target is a symbolic link; nothing was changed`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) unsafe(name, info, 'a regular file');
    if (info.size > limit) reject('TOO_LARGE', `${name} is larger than ${limit} bytes`);
    const bytes = new Uint8Array(info.size);
    for (let at = 0; at < bytes.length;) {
      const read = readSync(fd, bytes, at, bytes.length - at, null);
      if (read === 0) return reject('MALFORMED_INPUT', `${name} shrank while being read`);
      at += read;
    }
    return { bytes, mode: info.mode };
  } finally {
    closeSync(fd);
  }
}

export function readJournalFile(paths: TxnPaths): Uint8Array {
  return readChecked(paths.journal, relative(TXN_DIR, JOURNAL_FILE), MAX_JOURNAL_BYTES).bytes;
}

export function readStaged(
  paths: TxnPaths,
  blob: string,
): { content: Uint8Array; executable: boolean } {
  const name = relative(TXN_DIR, STAGED_DIR, blob);
  const { bytes, mode } = readChecked(join(paths.staged, blob), name, MAX_FILE_BYTES);
  return { content: bytes, executable: (mode & 0o100) !== 0 };
}

/** The owner and group a staged file is to keep (those of the file it replaces). */
export interface FileOwner {
  uid: number;
  gid: number;
}

/**
 * Gives the open file `owner` where the process may: root may set both, the file's owner its
 * group when they are a member of it. Says which of the two the file has now.
 */
function keepOwner(fd: number, owner: FileOwner): { uid: boolean; gid: boolean } {
  const now = fstatSync(fd);
  if (now.uid === owner.uid && now.gid === owner.gid) return { uid: true, gid: true };
  for (const [uid, gid] of [
    [owner.uid, owner.gid],
    [-1, owner.gid],
  ] as const) {
    try {
      fchownSync(fd, uid, gid);
      return { uid: uid !== -1 || now.uid === owner.uid, gid: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EINVAL') throw error; // EINVAL: an id this system lacks
    }
  }
  return { uid: now.uid === owner.uid, gid: false };
}

/**
 * Creates a new file (never through a symlink, never over anything) with exactly `mode`, and,
 * when given, the owner and group of the file it replaces (as far as the process may give
 * them: modeForOwner). It is created readable by its creator only and given its mode last, so
 * a private file's bytes are never readable by others, not even for an instant.
 */
export function writeNewFile(
  path: string,
  content: Uint8Array,
  mode: number,
  owner?: FileOwner,
): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const fd = openSync(path, flags, 0o600);
  try {
    for (let at = 0; at < content.length;) at += writeSync(fd, content, at);
    const final = owner === undefined ? mode : modeForOwner(mode, keepOwner(fd, owner));
    // After fchown, which clears set-user-ID and set-group-ID; the umask may have cleared
    // bits of the mode given to open, which fchmod does not apply.
    fchmodSync(fd, final);
  } finally {
    closeSync(fd);
  }
}

/** False when the directory is not empty, or gone. */
export function removeDir(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A fresh, empty staging directory; the caller has inspected what was there. */
export function createTxn(paths: TxnPaths, found: ReturnType<typeof inspectTxn>): void {
  if (!found.state) mkdirSync(paths.state);
  if (found.txn) rmSync(paths.txn, { recursive: true }); // a real directory: rm follows no link
  mkdirSync(paths.txn);
  mkdirSync(paths.staged);
}

/** Removes the transaction directory, and .patchtrail/ when that leaves it empty. */
export function removeTxn(paths: TxnPaths, found: ReturnType<typeof inspectTxn>): void {
  if (found.txn && !(removeDir(paths.staged) && removeDir(paths.txn)))
    rmSync(paths.txn, { recursive: true, force: true });
  if (found.state) removeDir(paths.state); // leave no trace when empty
}
