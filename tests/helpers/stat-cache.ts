/**
 * For stat cache tests: waiting out the filesystem's clock tick, and writing, forging or
 * resealing a cache file.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCache, type CacheHeader } from '../../src/cli/cache-file.ts';
import { statRecord, type FileStat } from '../../src/cli/stat-record.ts';
import { treeTextOf } from '../../src/core/diff/tree-hash-text.ts';

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

function latestChange(dir: string): bigint {
  let latest = lstatSync(dir, { bigint: true }).ctimeNs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const ctime = entry.isDirectory()
      ? latestChange(full)
      : lstatSync(full, { bigint: true }).ctimeNs;
    if (ctime > latest) latest = ctime;
  }
  return latest;
}

/**
 * Waits until the filesystem's clock has moved past every change under `dir` (one coarse tick
 * at most), so the next cache pass starts strictly later and may cache those files: without
 * it, a file written in the pass's own tick is racy and rightly read again.
 */
export async function settle(dir: string): Promise<void> {
  const latest = latestChange(dir);
  const probe = join(dir, '.settle-probe');
  for (;;) {
    writeFileSync(probe, '');
    if (lstatSync(probe, { bigint: true }).ctimeNs > latest) return;
    await new Promise((wake) => setTimeout(wake, 1));
  }
}

/** A cache file's bytes with their checksum recomputed, as a deliberate forger would. */
export function resealCache(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  createHash('sha256').update(out.subarray(40)).digest().copy(out, 8);
  return out;
}

/**
 * A cache file holding `entries` ({ path, stat, digest }), as a pass writes it: sorted by
 * path (unless `sort` is false, to forge one that is not), each line's mode its stat's.
 */
export function cacheOf(
  header: CacheHeader,
  entries: readonly { path: string; stat: FileStat; digest: string }[],
  sort = true,
): Buffer {
  const order = (x: { path: string }, y: { path: string }) =>
    Buffer.compare(Buffer.from(x.path), Buffer.from(y.path));
  const listed = sort ? [...entries].sort(order) : entries;
  const text = treeTextOf(
    listed.map((e) => e.path),
    listed.map((e) => ({ digest: e.digest, executable: (e.stat.mode & 0o100n) !== 0n })),
  );
  return encodeCache(header, Buffer.concat(listed.map((e) => statRecord(e.stat))), text);
}
