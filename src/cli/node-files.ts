/**
 * The files of a target on the Node filesystem, as the Node tree sees them: listing them (with
 * each regular file's stat, for the stat cache), reading one whole (bounded by the apply
 * limit before a byte is read), and hashing one in fixed-size chunks, so memory stays flat
 * whatever a file's size (a 3 GiB sparse file included). Files are opened without following
 * a final symlink and without blocking (a FIFO planted where a file was listed is refused,
 * not waited on). Calls are synchronous: a tree hash's reads are sequential anyway, and a
 * synchronous call costs a fraction of its fs/promises counterpart.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  type BigIntStats,
  type Dirent,
} from 'node:fs';
import { join, sep } from 'node:path';
import { reject, RESERVED_DIRS, type TreeEntry } from '../core/index.ts';
import { MAX_FILE_BYTES } from '../core/diff/limits.ts';
import { byUtf8 } from '../core/diff/tree-hash-text.ts';
import { STAT_RECORD_BYTES, writeStatRecord, type FileStat } from './stat-record.ts';

export interface Listing {
  entries: TreeEntry[];
  /** The regular files, sorted by the UTF-8 bytes of their paths (the tree hash's order). */
  files: string[];
  /** Their stats as listed: record i (stat-record.ts, at STAT_RECORD_BYTES * i) is files[i]'s. */
  records: Buffer;
}

const isReserved = (name: string): boolean => (RESERVED_DIRS as readonly string[]).includes(name);

/** A name whose UTF-16 order may differ from its UTF-8 order (a surrogate or above). */
const WIDE = /[\ud800-\uffff]/;

/**
 * A directory's entries in the order their paths sort by UTF-8 bytes: a directory's name
 * counts with its "/", since every path under it begins so ("a-b" sorts before "a/c").
 * JavaScript compares strings by UTF-16 units, which agree with UTF-8 below U+D800.
 */
function sortedEntries(dir: string): Dirent[] {
  const keyed = readdirSync(dir, { withFileTypes: true }).map((entry) => ({
    entry,
    key: entry.isDirectory() ? `${entry.name}/` : entry.name,
  }));
  if (keyed.some((k) => WIDE.test(k.key))) keyed.sort((x, y) => byUtf8(x.key, y.key));
  else keyed.sort((x, y) => (x.key < y.key ? -1 : 1));
  return keyed.map((k) => k.entry);
}

/** Records for a listing, grown as files are found. */
function recordsOf(): { put(stat: FileStat, index: number): void; bytes(): Buffer } {
  let bytes = Buffer.allocUnsafe(STAT_RECORD_BYTES * 1024);
  let used = 0;
  return {
    put(stat, index) {
      used = (index + 1) * STAT_RECORD_BYTES;
      if (used > bytes.length) {
        const grown = Buffer.allocUnsafe(bytes.length * 2);
        bytes.copy(grown);
        bytes = grown;
      }
      writeStatRecord(stat, bytes, index * STAT_RECORD_BYTES);
    },
    bytes: () => bytes.subarray(0, used),
  };
}

/**
 * Every regular file and symlink under `root`, reserved directories left out, the files in the
 * tree hash's order; `onDir` hears of each real directory walked (the tree remembers them as
 * safe ancestors).
 */
export function listFiles(root: string, onDir: (full: string) => void): Listing {
  const entries: TreeEntry[] = [];
  const files: string[] = [];
  const records = recordsOf();
  // Names from readdir are single clean segments, so the full path is a concatenation away
  // (path.join's normalising cost a fifth of a listing of 3,559 files).
  const base = join(root, sep);
  const full = sep === '/' ? (path: string) => base + path : (path: string) => join(base, path);
  const walk = (rel: string): void => {
    for (const entry of sortedEntries(full(rel))) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (isReserved(entry.name)) continue;
        onDir(full(path));
        walk(path);
      } else if (entry.isSymbolicLink()) {
        entries.push({ path, kind: 'symlink', executable: false });
      } else if (entry.isFile()) {
        // Classified again by the stat itself: the entry may have changed since readdir.
        const stat = lstatSync(full(path), { bigint: true, throwIfNoEntry: false });
        if (stat === undefined) continue;
        if (stat.isSymbolicLink()) entries.push({ path, kind: 'symlink', executable: false });
        if (!stat.isFile()) continue;
        entries.push({ path, kind: 'file', executable: (stat.mode & 0o100n) !== 0n });
        records.put(stat, files.length);
        files.push(path);
      }
    }
  };
  walk('');
  return { entries, files, records: records.bytes() };
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Opens a regular file for reading, with its stat taken before any byte is read. */
function openRegular(full: string, path: string): { fd: number; stat: BigIntStats } {
  let fd: number;
  try {
    fd = openSync(full, OPEN_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      reject('APPLY_CONFLICT', `${path}: not a regular file`);
    throw error;
  }
  const stat = fstatSync(fd, { bigint: true });
  if (!stat.isFile()) {
    closeSync(fd);
    reject('APPLY_CONFLICT', `${path}: not a regular file`);
  }
  return { fd, stat };
}

/** Reused by every hash: hashing is synchronous, so no two reads share it at once. */
const CHUNK = Buffer.allocUnsafe(256 * 1024);

export interface HashedFile {
  /** Lower-case hex SHA-256 of the bytes read. */
  digest: string;
  /** The open file's stat, taken before reading: what the stat cache records. */
  stat: FileStat;
}

/** A regular file's SHA-256, read to its end in fixed-size chunks. */
export function hashFile(full: string, path: string): HashedFile {
  const { fd, stat } = openRegular(full, path);
  try {
    const hash = createHash('sha256');
    for (let n = readSync(fd, CHUNK); n > 0; n = readSync(fd, CHUNK)) {
      hash.update(CHUNK.subarray(0, n));
    }
    return { digest: hash.digest('hex'), stat };
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (path: string): never =>
  reject('TOO_LARGE', `${path}: larger than ${MAX_FILE_BYTES} bytes`);

/** A regular file's bytes; refused with TOO_LARGE over the apply limit, before reading it. */
export function readFile(full: string, path: string): Uint8Array {
  const { fd, stat } = openRegular(full, path);
  try {
    if (stat.size > BigInt(MAX_FILE_BYTES)) tooLarge(path);
    // One byte more than the stat says, to see the end of a file that has not grown.
    let bytes = Buffer.allocUnsafe(Number(stat.size) + 1);
    let length = 0;
    for (;;) {
      if (length === bytes.length) {
        if (length > MAX_FILE_BYTES) tooLarge(path);
        const grown = Buffer.allocUnsafe(Math.min(length * 2, MAX_FILE_BYTES + 1));
        bytes.copy(grown, 0, 0, length);
        bytes = grown;
      }
      const n = readSync(fd, bytes, length, bytes.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
  } finally {
    closeSync(fd);
  }
}
