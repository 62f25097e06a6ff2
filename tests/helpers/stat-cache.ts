/** For stat cache tests: waiting out the filesystem's clock tick, and resealing a cache file. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
