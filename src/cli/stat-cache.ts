/**
 * File digests by stat for the Node tree's tree hash, as git's index keeps them: a file whose
 * device, inode, mode, size, mtime and ctime (in nanoseconds) are what they were when it was
 * hashed is not read again. One cache file per target (by resolved path) in the user's cache
 * directory, never in the target. What it trusts, and why, is in docs/apply.md.
 *
 * The racy-timestamp rule (git's "racy git"): an entry is trusted only when its mtime and ctime
 * are strictly older than the moment its pass began reading, so a change in the same clock
 * tick as the read cannot hide behind an unchanged stat. Reading the cache, the reference is
 * the earlier of that moment and the cache file's own mtime (git's rule); a timestamp whose
 * nanoseconds are all zero (a filesystem that keeps seconds) counts as its whole 2 s tick.
 *
 * The cache file is untrusted input (cache-file.ts): missing, torn, corrupt, foreign or odd
 * means every file is read again, never a wrong digest. It keeps the entries' tree-hash text
 * and its SHA-256, so a pass builds the tree hash's text from the lines of the entries that
 * still vouch (byte ranges, not re-serialised, never sorted: the listing comes sorted), and
 * when every listed file is an entry that vouches and no entry is left over, takes the
 * recorded SHA-256 as the tree hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { recordTimes, STAT_RECORD_BYTES, type FileStat } from './stat-record.ts';

const SECOND = 1_000_000_000n;
/** Beyond this age no filesystem's timestamp granularity matters (FAT keeps 2 s). */
const COARSEST_TICK = 2n * SECOND;

/** How coarse a timestamp may be: a whole second is taken as the coarsest tick, 2 s. */
function tick(t: bigint): bigint {
  const fraction = Number(((t % SECOND) + SECOND) % SECOND);
  if (fraction === 0) return COARSEST_TICK;
  let size = 1n;
  for (let rest = fraction; rest % 10 === 0; rest /= 10) size *= 10n;
  return size;
}

/** True when every instant the timestamp may stand for lies strictly before `reference`. */
export function settled(t: bigint, reference: bigint): boolean {
  return t + COARSEST_TICK <= reference || t + tick(t) <= reference;
}

/**
 * A stored entry still vouches for the file: its stat record (at `at` in `stored`) is the
 * file's (at `nowAt` in `now`), byte for byte, and its mtime and ctime were settled before
 * `reference`.
 */
export function vouches(
  stored: Buffer,
  at: number,
  now: Buffer,
  nowAt: number,
  reference: bigint,
): boolean {
  const end = nowAt + STAT_RECORD_BYTES;
  if (stored.compare(now, nowAt, end, at, at + STAT_RECORD_BYTES) !== 0) return false;
  const [mtimeNs, ctimeNs] = recordTimes(stored, at);
  return notRacy({ mtimeNs, ctimeNs }, reference);
}

/** Neither time of a stat is racy against `reference`. */
export const notRacy = (stat: Pick<FileStat, 'mtimeNs' | 'ctimeNs'>, reference: bigint): boolean =>
  settled(stat.mtimeNs, reference) && settled(stat.ctimeNs, reference);

/** A pass's new cache file, created before any file is read: its birth is the pass's start. */
export interface Pass {
  fd: number;
  temp: string;
  started: bigint;
}

export function beginPass(file: string): Pass | undefined {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const create = () => openSync(temp, 'wx', 0o600);
  try {
    let fd: number;
    try {
      fd = create();
    } catch {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      fd = create();
    }
    return { fd, temp, started: fstatSync(fd, { bigint: true }).mtimeNs };
  } catch {
    return undefined; // a cache we cannot write only costs time on the next pass
  }
}

export function endPass(pass: Pass, file: string, bytes: Uint8Array | undefined): void {
  try {
    for (let at = 0; bytes !== undefined && at < bytes.length;) at += writeSync(pass.fd, bytes, at);
    closeSync(pass.fd);
    if (bytes === undefined) unlinkSync(pass.temp);
    else renameSync(pass.temp, file); // atomic: a reader sees the old cache or the new one
  } catch {
    try {
      unlinkSync(pass.temp);
    } catch {
      // nothing left to tidy
    }
  }
}

/** The cache file of a target: the resolved target path, hashed, under `dir`. */
export function cacheFileFor(dir: string, root: string): string {
  return join(dir, `${targetKey(root).slice(0, 32)}.stat`);
}

export const targetKey = (root: string): string => createHash('sha256').update(root).digest('hex');

/**
 * Whether a pass rewrites the cache: when its `stale` entries (files it read, entries for
 * files no longer listed) reach the square root of the `listed` files. Below that, the next
 * pass reads those few files again, which costs less than rewriting an entry for every file
 * (about 150 bytes each) and renaming it over the old cache, which on ext4 starts writing the
 * new file out at once and stalls a loaded disk (3 ms of a 31-file tree's apply). With k files
 * changed per pass, the reads grow by k a pass while a rewrite costs in proportion to the tree,
 * so the total is least about there. A stale entry vouches for nothing: its file's stat has
 * changed, or the file is gone.
 */
export const worthRewriting = (stale: number, listed: number): boolean =>
  stale > 0 && stale * stale >= listed;
