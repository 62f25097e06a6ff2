/**
 * Questions about the admitted set that apply standing: which entries count, which do not and
 * why, and a digest of the verified set that peers compare.
 */
import { sha256Hex } from '../crypto/hash.ts';
import { utf8Encode } from '../encoding/bytes.ts';
import type { ErrorCode } from '../errors.ts';
import type { Entry } from './entry.ts';
import type { Registry } from './registry.ts';

export interface OutOfStandingEntry {
  entry: Entry;
  code: ErrorCode;
  message: string;
}

/** Admitted entries that are out of standing, with the reason: evidence, never counted. */
export function entriesOutOfStanding(
  entries: Iterable<Entry>,
  registry: Registry,
): OutOfStandingEntry[] {
  const out: OutOfStandingEntry[] = [];
  for (const entry of entries) {
    const why = registry.standing(entry);
    if (why !== undefined) out.push({ entry, ...why });
  }
  return out;
}

/**
 * A short digest of the verified set (admitted and in standing): SHA-256 over the sorted ids,
 * as "ld1:" and 20 hex digits. Two peers with equal digests hold the same set.
 */
export async function verifiedDigest(entries: Iterable<Entry>, registry: Registry) {
  const ids: string[] = [];
  for (const entry of entries) if (registry.standing(entry) === undefined) ids.push(entry.id);
  const full = await sha256Hex(utf8Encode(ids.sort().join('\n')));
  return `ld1:${full.slice(0, 20)}`;
}
