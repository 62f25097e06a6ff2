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
import { encodeCache, readCacheFile, type CacheEntry } from './cache-file.ts';
import type { FileStat } from './node-files.ts';

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

export function sameStat(a: FileStat, b: FileStat): boolean {
  return (
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs &&
    a.mode === b.mode &&
    a.dev === b.dev
  );
}

/** A cached entry still vouches for the file: same stat, and it was not racy when hashed. */
export function trusted(entry: FileStat, now: FileStat, reference: bigint): boolean {
  return (
    sameStat(entry, now) && settled(entry.mtimeNs, reference) && settled(entry.ctimeNs, reference)
  );
}

export interface DigestSource {
  /** The file's stat as listed; undefined when it is gone or not a regular file. */
  stat(path: string): FileStat | undefined;
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

interface Cached {
  entries: Map<string, CacheEntry>;
  reference: bigint;
}

/** One file's digest: the cached entry when it still vouches for the file, else a fresh read. */
function digestOf(
  path: string,
  cached: Cached,
  source: DigestSource,
  started: bigint | undefined,
): { digest: string; keep?: CacheEntry; read: boolean } {
  const entry = cached.entries.get(path);
  const stat = source.stat(path);
  if (entry !== undefined && stat !== undefined && trusted(entry, stat, cached.reference))
    return { digest: entry.digest, keep: entry, read: false };
  const fresh = source.hash(path);
  const record = { ...fresh.stat, digest: fresh.digest };
  // A file changed in the tick of this pass is racy: it is not kept, so it is read next time.
  const racy = started === undefined || !trusted(record, record, started);
  return racy
    ? { digest: fresh.digest, read: true }
    : { digest: fresh.digest, keep: record, read: true };
}

/**
 * The hex SHA-256 of each file in `paths`, in order: from the cache where an entry still
 * vouches for the file, read and hashed otherwise; the cache is then rewritten (atomically)
 * with an entry for each listed file that is not racy, and none for files no longer listed.
 */
export function cachedDigests(
  file: string,
  root: string,
  paths: readonly string[],
  source: DigestSource,
): string[] {
  const header = { target: targetKey(root) };
  const pass = beginPass(file);
  const cached = readCacheFile(file, header) ?? { entries: new Map(), reference: -1n };
  let rewritten: Buffer | undefined;
  try {
    const kept: [string, CacheEntry][] = [];
    let read = false;
    const digests = paths.map((path) => {
      const one = digestOf(path, cached, source, pass?.started);
      if (one.keep !== undefined) kept.push([path, one.keep]);
      read ||= one.read;
      return one.digest;
    });
    if (pass !== undefined && (read || kept.length !== cached.entries.size))
      rewritten = encodeCache({ ...header, started: pass.started }, kept);
    return digests;
  } finally {
    if (pass !== undefined) endPass(pass, file, rewritten);
  }
}
