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
 * means every file is read again, never a wrong digest.
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
import {
  DIGEST_AT,
  encodeCache,
  readCacheFile,
  type CacheEntries,
  type NextEntry,
} from './cache-file.ts';
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
 * file's, byte for byte, and its mtime and ctime were settled before `reference`.
 */
export function vouches(stored: Buffer, at: number, now: Buffer, reference: bigint): boolean {
  if (stored.compare(now, 0, STAT_RECORD_BYTES, at, at + STAT_RECORD_BYTES) !== 0) return false;
  const [mtimeNs, ctimeNs] = recordTimes(stored, at);
  return notRacy({ mtimeNs, ctimeNs }, reference);
}

/** Neither time of a stat is racy against `reference`. */
const notRacy = (stat: Pick<FileStat, 'mtimeNs' | 'ctimeNs'>, reference: bigint): boolean =>
  settled(stat.mtimeNs, reference) && settled(stat.ctimeNs, reference);

export interface DigestSource {
  /** Writes the file's stat record as listed into `into`; false when it is not a listed file. */
  stat(path: string, into: Buffer): boolean;
  /** Reads and hashes the file; `stat` is the open file's, taken before the first read. */
  hash(path: string): { digest: string; stat: FileStat };
}

/** A pass's new cache file, created before any file is read: its birth is the pass's start. */
interface Pass {
  fd: number;
  temp: string;
  started: bigint;
}

function beginPass(file: string): Pass | undefined {
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

function endPass(pass: Pass, file: string, bytes: Uint8Array | undefined): void {
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

const targetKey = (root: string): string => createHash('sha256').update(root).digest('hex');

type Cached = CacheEntries & { reference: bigint };

/** One file's digest: the stored entry when it still vouches for the file, else a fresh read. */
function digestOf(
  path: string,
  cached: Cached,
  source: DigestSource,
  started: bigint | undefined,
  scratch: Buffer,
): { digest: string; keep?: NextEntry; read: boolean } {
  const at = cached.offsets.get(path);
  if (
    at !== undefined &&
    source.stat(path, scratch) &&
    vouches(cached.bytes, at, scratch, cached.reference)
  ) {
    const digest = cached.bytes.toString('hex', at + DIGEST_AT, at + DIGEST_AT + 32);
    return { digest, keep: { from: cached.bytes, at }, read: false };
  }
  const { digest, stat } = source.hash(path);
  // A file changed in the tick of this pass is racy: it is not kept, so it is read next time.
  if (started === undefined || !notRacy(stat, started)) return { digest, read: true };
  return { digest, keep: { path, stat, digest }, read: true };
}

/**
 * Whether a pass rewrites the cache: when its `stale` entries (files it read, entries for
 * files no longer listed) reach the square root of the `listed` files. Below that, the next
 * pass reads those few files again, which costs less than rewriting an entry for every file
 * (about 120 bytes each) and renaming it over the old cache, which on ext4 starts writing the
 * new file out at once and stalls a loaded disk (3 ms of a 31-file tree's apply). With k files
 * changed per pass, the reads grow by k a pass while a rewrite costs in proportion to the tree,
 * so the total is least about there. A stale entry vouches for nothing: its file's stat has
 * changed, or the file is gone.
 */
export const worthRewriting = (stale: number, listed: number): boolean =>
  stale > 0 && stale * stale >= listed;

/**
 * The hex SHA-256 of each file in `paths`, in order: from the cache where an entry still
 * vouches for the file, read and hashed otherwise. When enough has changed (worthRewriting),
 * the cache is rewritten (atomically) with an entry for each listed file that is not racy, and
 * none for files no longer listed.
 */
export function cachedDigests(
  file: string,
  root: string,
  paths: readonly string[],
  source: DigestSource,
): string[] {
  const header = { target: targetKey(root) };
  const pass = beginPass(file);
  const none: Cached = { bytes: Buffer.alloc(0), offsets: new Map(), reference: -1n };
  const cached = readCacheFile(file, header) ?? none;
  const scratch = Buffer.alloc(STAT_RECORD_BYTES);
  let rewritten: Buffer | undefined;
  try {
    const kept: NextEntry[] = [];
    let read = 0; // files hashed afresh
    let replaced = 0; // of those, files the cache had an entry for
    const digests = paths.map((path) => {
      const one = digestOf(path, cached, source, pass?.started, scratch);
      if (one.keep !== undefined) kept.push(one.keep);
      if (one.read) read++;
      if (one.read && cached.offsets.has(path)) replaced++;
      return one.digest;
    });
    const gone = cached.offsets.size - (paths.length - read) - replaced;
    if (pass !== undefined && worthRewriting(read + gone, paths.length))
      rewritten = encodeCache({ ...header, started: pass.started }, kept);
    return digests;
  } finally {
    if (pass !== undefined) endPass(pass, file, rewritten);
  }
}
