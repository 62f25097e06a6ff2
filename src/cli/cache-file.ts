/**
 * The stat cache's file (stat-cache.ts has the rules): a checksummed binary format, and
 * reading it as untrusted input. Anything unexpected — not ours, writable by others, torn,
 * failing its checksum, from another boot or another target, an entry out of bounds, a path
 * twice — and the whole file is ignored, so every file is read again.
 *
 * Layout, little-endian:
 *   magic "ptstat\0\1" (8) | SHA-256 of every byte after it (32) | target key (32)
 *   | boot key (16) | pass start, ns (8) | entry count (4)
 *   | entries: dev, ino, mode, size (u64 each), mtime, ctime (i64 ns each), SHA-256 (32),
 *     path length (u16), path (UTF-8)
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { STAT_RECORD_BYTES, writeStatRecord, type FileStat } from './stat-record.ts';

export interface CacheHeader {
  /** Hex SHA-256 of the target's resolved path. */
  target: string;
  /** When the pass that wrote the cache began reading (the filesystem's clock, ns). */
  started: bigint;
}

/** A cache file's bytes with the offset of each path's entry: its stat record comes first. */
export interface CacheEntries {
  bytes: Buffer;
  offsets: Map<string, number>;
}

/** Where a stored entry's SHA-256 lies, from the entry's offset. */
export const DIGEST_AT = STAT_RECORD_BYTES;

/** An entry for the next cache file: one carried over as it is, or a fresh one. */
export type NextEntry =
  { from: Buffer; at: number } | { path: string; stat: FileStat; digest: string };

const MAGIC = Buffer.from('ptstat\0\x01', 'latin1');
const HEADER_BYTES = 8 + 32 + 32 + 16 + 8 + 4;
const ENTRY_FIXED_BYTES = STAT_RECORD_BYTES + 32 + 2;
const PATH_LENGTH_AT = STAT_RECORD_BYTES + 32;
const MAX_PATH_BYTES = 0xffff;
/** Far beyond any real tree's cache (about 120 bytes a file); larger is not read. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;

let bootKeyMemo: Buffer | undefined;

/**
 * This boot of this machine: a cache from an earlier boot is ignored, so a power loss that
 * dropped a file's last write while its times survived cannot leave the cache vouching for
 * bytes the disk lost. Linux names each boot; elsewhere the boot time stands in.
 */
function bootKey(): Buffer {
  if (bootKeyMemo !== undefined) return bootKeyMemo;
  let boot: string;
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  } catch {
    boot = `boot at ${Math.round(Date.now() / 10_000 - process.uptime() / 10)}`;
  }
  bootKeyMemo = createHash('sha256').update(boot).digest().subarray(0, 16);
  return bootKeyMemo;
}

/** A fresh entry's bytes, or undefined for a path too long to store (none is that long). */
function freshEntry(path: string, stat: FileStat, digest: string): Buffer | undefined {
  const name = Buffer.from(path, 'utf8');
  if (name.length > MAX_PATH_BYTES) return undefined;
  const out = Buffer.allocUnsafe(ENTRY_FIXED_BYTES + name.length);
  writeStatRecord(stat, out, 0);
  out.write(digest, DIGEST_AT, 32, 'hex');
  out.writeUInt16LE(name.length, PATH_LENGTH_AT);
  name.copy(out, ENTRY_FIXED_BYTES);
  return out;
}

/** Where each entry's bytes are: carried ones stay in the old file's bytes, not copied twice. */
function entrySpans(next: readonly NextEntry[]): [Buffer, number, number][] {
  const spans: [Buffer, number, number][] = [];
  for (const entry of next) {
    if ('from' in entry) {
      const length = ENTRY_FIXED_BYTES + entry.from.readUInt16LE(entry.at + PATH_LENGTH_AT);
      spans.push([entry.from, entry.at, entry.at + length]);
      continue;
    }
    const bytes = freshEntry(entry.path, entry.stat, entry.digest);
    if (bytes !== undefined) spans.push([bytes, 0, bytes.length]);
  }
  return spans;
}

export function encodeCache(header: CacheHeader, next: readonly NextEntry[]): Buffer {
  const spans = entrySpans(next);
  const out = Buffer.alloc(spans.reduce((n, [, start, end]) => n + end - start, HEADER_BYTES));
  MAGIC.copy(out, 0);
  out.write(header.target, 40, 32, 'hex');
  bootKey().copy(out, 72);
  out.writeBigInt64LE(header.started, 88);
  out.writeUInt32LE(spans.length, 96);
  let at = HEADER_BYTES;
  for (const [bytes, start, end] of spans) at += bytes.copy(out, at, start, end);
  createHash('sha256').update(out.subarray(40)).digest().copy(out, 8);
  return out;
}

/** The entries of a cache file's bytes, or undefined when anything about them is off. */
export function decodeCache(
  bytes: Buffer,
  expected: Omit<CacheHeader, 'started'>,
): (CacheEntries & { started: bigint }) | undefined {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 8).equals(MAGIC)) return undefined;
  const checksum = createHash('sha256').update(bytes.subarray(40)).digest();
  if (!checksum.equals(bytes.subarray(8, 40))) return undefined;
  if (bytes.toString('hex', 40, 72) !== expected.target) return undefined;
  if (!bytes.subarray(72, 88).equals(bootKey())) return undefined;
  const count = bytes.readUInt32LE(96);
  if (count > (bytes.length - HEADER_BYTES) / ENTRY_FIXED_BYTES) return undefined;
  const offsets = new Map<string, number>();
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_FIXED_BYTES > bytes.length) return undefined;
    const end = at + ENTRY_FIXED_BYTES + bytes.readUInt16LE(at + PATH_LENGTH_AT);
    if (end > bytes.length) return undefined;
    const path = bytes.toString('utf8', at + ENTRY_FIXED_BYTES, end);
    if (offsets.has(path)) return undefined;
    offsets.set(path, at);
    at = end;
  }
  if (at !== bytes.length) return undefined;
  return { bytes, offsets, started: bytes.readBigInt64LE(88) };
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * The cache file's entries and the racy-timestamp reference (the earlier of the pass start it
 * records and its own mtime, its write time), or undefined. Only a regular file owned by this
 * user and writable by no one else is read.
 */
export function readCacheFile(
  file: string,
  expected: Omit<CacheHeader, 'started'>,
): (CacheEntries & { reference: bigint }) | undefined {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd, { bigint: true });
    const owner = process.getuid?.();
    if (!stat.isFile() || stat.size > BigInt(MAX_CACHE_BYTES)) return undefined;
    if ((owner !== undefined && stat.uid !== BigInt(owner)) || (stat.mode & 0o022n) !== 0n)
      return undefined;
    const bytes = Buffer.allocUnsafe(Number(stat.size));
    let length = 0;
    for (let n = 1; n > 0 && length < bytes.length; length += n)
      n = readSync(fd, bytes, length, bytes.length - length, null);
    const decoded = decodeCache(bytes.subarray(0, length), expected);
    if (decoded === undefined) return undefined;
    const written = stat.mtimeNs;
    const { offsets, started } = decoded;
    return { bytes: decoded.bytes, offsets, reference: started < written ? started : written };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
