/**
 * A file's stat as the stat cache compares it, in 48 bytes: device, inode, mode and size
 * (u64), mtime and ctime (i64, ns since the epoch), little-endian — the same bytes in a
 * listing's records and in the cache file, so "same stat" is one byte comparison and a listing
 * of thousands of files keeps no objects per file alive (their garbage collection cost more
 * than the lstats).
 */
import type { BigIntStats } from 'node:fs';

export const STAT_RECORD_BYTES = 48;

/** The fields of a stat the record holds. */
export type FileStat = Pick<BigIntStats, 'dev' | 'ino' | 'mode' | 'size' | 'mtimeNs' | 'ctimeNs'>;

const view = (bytes: Uint8Array): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function writeStatRecord(stat: FileStat, into: Uint8Array, at: number): void {
  const data = view(into);
  data.setBigUint64(at, stat.dev, true);
  data.setBigUint64(at + 8, stat.ino, true);
  data.setBigUint64(at + 16, stat.mode, true);
  data.setBigUint64(at + 24, stat.size, true);
  data.setBigInt64(at + 32, stat.mtimeNs, true);
  data.setBigInt64(at + 40, stat.ctimeNs, true);
}

export function statRecord(stat: FileStat): Buffer {
  const record = Buffer.alloc(STAT_RECORD_BYTES);
  writeStatRecord(stat, record, 0);
  return record;
}

/** The mtime and ctime of the record at `at`. */
export function recordTimes(bytes: Buffer, at: number): [bigint, bigint] {
  return [bytes.readBigInt64LE(at + 32), bytes.readBigInt64LE(at + 40)];
}

/** Whether the record at `at` has the owner-executable bit (git's 100755). */
export const recordExecutable = (bytes: Uint8Array, at: number): boolean =>
  ((bytes[at + 16] ?? 0) & 0o100) !== 0;
