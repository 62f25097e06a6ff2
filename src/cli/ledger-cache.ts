/**
 * The verification cache: reopening a ledger file does not re-check the signatures this
 * machine already checked. It lives in the user's cache directory (never beside the ledger, so
 * a ledger file received from someone else cannot bring a cache that vouches for it) and holds,
 * per ledger file, the length and SHA-256 of the file's prefix whose every line passed its
 * signature check. It vouches for exactly those bytes: a line is skipped only when it ends,
 * newline included, inside a prefix whose hash still matches (so blank lines, reordering or
 * edits anywhere in the prefix void it), and everything but the signature is checked again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userCacheDir } from './cache-dir.ts';
import { join, resolve } from 'node:path';

interface CacheRecord {
  v: 2;
  /** The verified prefix's length and SHA-256 (hex). */
  bytes: number;
  sha256: string;
}

function cacheDir(): string {
  return join(userCacheDir(), 'verified');
}

function cachePath(ledgerPath: string): string {
  const key = createHash('sha256').update(resolve(ledgerPath)).digest('hex').slice(0, 32);
  return join(cacheDir(), `${key}.json`);
}

const prefixHash = (bytes: Uint8Array, length: number) =>
  createHash('sha256').update(bytes.subarray(0, length)).digest('hex');

/** How many leading bytes of `bytes` the cache vouches for (0: none). */
export function readCache(ledgerPath: string, bytes: Uint8Array): number {
  try {
    const record = JSON.parse(readFileSync(cachePath(ledgerPath), 'utf8')) as Partial<CacheRecord>;
    const { v, bytes: length, sha256 } = record;
    if (v !== 2 || !Number.isSafeInteger(length) || typeof sha256 !== 'string') return 0;
    if ((length as number) <= 0 || (length as number) > bytes.length) return 0;
    return prefixHash(bytes, length as number) === sha256 ? (length as number) : 0;
  } catch {
    return 0; // no cache, or an unreadable one: verify everything
  }
}

/** Records that every line in the first `length` bytes of `bytes` passed its signature check. */
export function writeCache(ledgerPath: string, bytes: Uint8Array, length: number): void {
  const record: CacheRecord = { v: 2, bytes: length, sha256: prefixHash(bytes, length) };
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    writeFileSync(cachePath(ledgerPath), JSON.stringify(record));
  } catch {
    // A cache we cannot write only costs time on the next open.
  }
}
