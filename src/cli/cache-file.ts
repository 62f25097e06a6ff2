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
import type { FileStat } from './node-files.ts';

export interface CacheEntry extends FileStat {
  /** Lower-case hex SHA-256 of the file's bytes. */
  digest: string;
}

export interface CacheHeader {
  /** Hex SHA-256 of the target's resolved path. */
  target: string;
  /** When the pass that wrote the cache began reading (the filesystem's clock, ns). */
  started: bigint;
}

const MAGIC = Buffer.from('ptstat\0\x01', 'latin1');
const HEADER_BYTES = 8 + 32 + 32 + 16 + 8 + 4;
const ENTRY_FIXED_BYTES = 6 * 8 + 32 + 2;
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

const view = (bytes: Buffer): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function encodeCache(header: CacheHeader, all: readonly [string, CacheEntry][]): Buffer {
  const encoded = all.map(([path, entry]) => [Buffer.from(path, 'utf8'), entry] as const);
  const entries = encoded.filter(([path]) => path.length <= MAX_PATH_BYTES); // never longer
  const size = entries.reduce((n, [path]) => n + ENTRY_FIXED_BYTES + path.length, HEADER_BYTES);
  const out = Buffer.alloc(size);
  const data = view(out);
  MAGIC.copy(out, 0);
  out.write(header.target, 40, 32, 'hex');
  bootKey().copy(out, 72);
  data.setBigInt64(88, header.started, true);
  data.setUint32(96, entries.length, true);
  let at = HEADER_BYTES;
  for (const [path, entry] of entries) {
    data.setBigUint64(at, entry.dev, true);
    data.setBigUint64(at + 8, entry.ino, true);
    data.setBigUint64(at + 16, entry.mode, true);
    data.setBigUint64(at + 24, entry.size, true);
    data.setBigInt64(at + 32, entry.mtimeNs, true);
    data.setBigInt64(at + 40, entry.ctimeNs, true);
    out.write(entry.digest, at + 48, 32, 'hex');
    data.setUint16(at + 80, path.length, true);
    at += ENTRY_FIXED_BYTES + path.copy(out, at + ENTRY_FIXED_BYTES);
  }
  createHash('sha256').update(out.subarray(40)).digest().copy(out, 8);
  return out;
}

/** The entries of a cache file's bytes, or undefined when anything about them is off. */
export function decodeCache(
  bytes: Buffer,
  expected: Omit<CacheHeader, 'started'>,
): { started: bigint; entries: Map<string, CacheEntry> } | undefined {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 8).equals(MAGIC)) return undefined;
  const checksum = createHash('sha256').update(bytes.subarray(40)).digest();
  if (!checksum.equals(bytes.subarray(8, 40))) return undefined;
  if (bytes.toString('hex', 40, 72) !== expected.target) return undefined;
  if (!bytes.subarray(72, 88).equals(bootKey())) return undefined;
  const data = view(bytes);
  const count = data.getUint32(96, true);
  if (count > (bytes.length - HEADER_BYTES) / ENTRY_FIXED_BYTES) return undefined;
  const entries = new Map<string, CacheEntry>();
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_FIXED_BYTES > bytes.length) return undefined;
    const end = at + ENTRY_FIXED_BYTES + data.getUint16(at + 80, true);
    if (end > bytes.length) return undefined;
    const path = bytes.toString('utf8', at + ENTRY_FIXED_BYTES, end);
    if (entries.has(path)) return undefined;
    entries.set(path, {
      dev: data.getBigUint64(at, true),
      ino: data.getBigUint64(at + 8, true),
      mode: data.getBigUint64(at + 16, true),
      size: data.getBigUint64(at + 24, true),
      mtimeNs: data.getBigInt64(at + 32, true),
      ctimeNs: data.getBigInt64(at + 40, true),
      digest: bytes.toString('hex', at + 48, at + 80),
    });
    at = end;
  }
  return at === bytes.length ? { started: data.getBigInt64(88, true), entries } : undefined;
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
): { entries: Map<string, CacheEntry>; reference: bigint } | undefined {
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
    return {
      entries: decoded.entries,
      reference: decoded.started < written ? decoded.started : written,
    };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
