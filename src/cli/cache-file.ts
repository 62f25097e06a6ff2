/**
 * The stat cache's file (stat-cache.ts has the rules): a checksummed binary format, and
 * reading it as untrusted input. Anything unexpected — not ours, writable by others, torn,
 * failing its checksum, from another boot or another target, an entry out of bounds, a path
 * twice — and the whole file is ignored, so every file is read again.
 *
 * Layout, little-endian:
 *   magic "ptstat\0\2" (8) | SHA-256 of every byte after it (32) | target key (32)
 *   | boot key (16) | pass start, ns (8) | entry count (4) | text length (4)
 *   | SHA-256 of the text (32: the tree hash of the entries, as a tree)
 *   | records: per entry, dev, ino, mode, size (u64 each), mtime, ctime (i64 ns each), and
 *     where its line of the text ends (u32)
 *   | text: the entries' tree-hash lines (tree-hash-text.ts), sorted by the UTF-8 bytes of
 *     their paths, strictly (no path twice)
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { byUtf8, LINE_PATH_AT, type TreeText } from '../core/diff/tree-hash-text.ts';
import { recordExecutable, STAT_RECORD_BYTES } from './stat-record.ts';

export interface CacheHeader {
  /** Hex SHA-256 of the target's resolved path. */
  target: string;
  /** When the pass that wrote the cache began reading (the filesystem's clock, ns). */
  started: bigint;
}

/** A cache file's entries: entry i's stat record is at `recordAt(i)` in `bytes`. */
export interface CacheEntries extends TreeText {
  bytes: Buffer;
  text: Buffer;
  /** The hex SHA-256 of `text`. */
  textHash: string;
}

const MAGIC = Buffer.from('ptstat\0\x02', 'latin1');
const HEADER_BYTES = 8 + 32 + 32 + 16 + 8 + 4 + 4 + 32;
const RECORD_BYTES = STAT_RECORD_BYTES + 4;
/** Far beyond any real tree's cache (about 150 bytes a file); larger is not read. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;

export const recordAt = (i: number): number => HEADER_BYTES + RECORD_BYTES * i;

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

/**
 * A cache file holding `records` (STAT_RECORD_BYTES each) and their lines `text`, whose
 * SHA-256 is `textHash` (given when the caller has it).
 */
export function encodeCache(
  header: CacheHeader,
  records: Uint8Array,
  text: Omit<TreeText, 'paths'>,
  textHash?: Uint8Array,
): Buffer {
  const count = text.ends.length;
  const out = Buffer.allocUnsafe(recordAt(count) + text.text.length);
  MAGIC.copy(out, 0);
  out.write(header.target, 40, 32, 'hex');
  bootKey().copy(out, 72);
  out.writeBigInt64LE(header.started, 88);
  out.writeUInt32LE(count, 96);
  out.writeUInt32LE(text.text.length, 100);
  out.set(textHash ?? createHash('sha256').update(text.text).digest(), 104);
  for (let i = 0; i < count; i++) {
    const at = recordAt(i);
    out.set(records.subarray(STAT_RECORD_BYTES * i, STAT_RECORD_BYTES * (i + 1)), at);
    out.writeUInt32LE(text.ends[i] as number, at + STAT_RECORD_BYTES);
  }
  out.set(text.text, recordAt(count));
  createHash('sha256').update(out.subarray(40)).digest().copy(out, 8);
  return out;
}

/** What follows a line's digest, up to its path: its mode between two spaces. */
const MODE_BYTES = { file: Buffer.from(' 100644 '), executable: Buffer.from(' 100755 ') };
const NEWLINE = 0x0a;

/**
 * Whether `text[start..end]` is a well-formed line, `<64 bytes> <100644|100755> <path>\n`
 * with a path of at least one byte, whose mode agrees with its stat record's. The digest's
 * bytes are not checked: a checksummed file holds what its writer put there, and whoever can
 * write the cache can vouch for any digest anyway.
 */
function wellFormed(text: Buffer, start: number, end: number, executable: boolean): boolean {
  if (end - start < LINE_PATH_AT + 2 || text[end - 1] !== NEWLINE) return false;
  const mode = executable ? MODE_BYTES.executable : MODE_BYTES.file;
  for (let k = 0; k < mode.length; k++) if (text[start + 64 + k] !== mode[k]) return false;
  return true;
}

/**
 * The paths of the lines ending at `ends`: decoded once and sliced when the text is ASCII (as
 * almost every tree's is), one by one otherwise; undefined unless strictly ascending by UTF-8
 * bytes (for ASCII, JavaScript's order of strings is the order of their bytes).
 */
function pathsOf(text: Buffer, ends: Uint32Array): string[] | undefined {
  const paths = new Array<string>(ends.length);
  const whole = isAscii(text) ? text.toString('latin1') : undefined;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const [from, end] = [start + LINE_PATH_AT, (ends[i] as number) - 1];
    const path = whole?.slice(from, end) ?? text.toString('utf8', from, end);
    if (i > 0) {
      const previous = paths[i - 1] as string;
      if (whole !== undefined ? previous >= path : byUtf8(previous, path) >= 0) return undefined;
    }
    paths[i] = path;
    start = end + 1;
  }
  return paths;
}

/** The records' lines and paths, or undefined when any is malformed or out of order. */
function decodeLines(
  bytes: Buffer,
  count: number,
  text: Buffer,
): Omit<TreeText, 'text'> | undefined {
  const ends = new Uint32Array(count);
  let start = 0;
  for (let i = 0; i < count; i++) {
    const at = recordAt(i);
    const end = bytes.readUInt32LE(at + STAT_RECORD_BYTES);
    if (end > text.length || !wellFormed(text, start, end, recordExecutable(bytes, at)))
      return undefined;
    [ends[i], start] = [end, end];
  }
  if (start !== text.length) return undefined;
  const paths = pathsOf(text, ends);
  return paths === undefined ? undefined : { paths, ends };
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
  if (count > (bytes.length - HEADER_BYTES) / RECORD_BYTES) return undefined;
  const text = bytes.subarray(recordAt(count));
  if (text.length !== bytes.readUInt32LE(100)) return undefined;
  const lines = decodeLines(bytes, count, text);
  if (lines === undefined) return undefined;
  const textHash = bytes.toString('hex', 104, 136);
  return { bytes, text, ...lines, textHash, started: bytes.readBigInt64LE(88) };
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
    const { started, ...entries } = decoded;
    return { ...entries, reference: started < stat.mtimeNs ? started : stat.mtimeNs };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
