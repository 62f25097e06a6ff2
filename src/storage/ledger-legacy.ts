/**
 * Version-1 stores (ledger-db.ts): one row per entry, ordered by `pos`, and a cache of the
 * SHA-256 of the exact bytes whose signature this device checked. Opening such a store admits
 * those rows as version 1 did (each one's hash and everything else checked, the signature
 * skipped only where the cache holds these bytes' digest), then moves what it admitted into
 * segments and empties the old stores, in queue order, so a crash in between loses nothing.
 */
import { sha256Sync } from '../core/crypto/hash.ts';
import { bytesEqual } from '../core/encoding/bytes.ts';
import type { Entry } from '../core/ledger/entry.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { hasLegacyStores, type LedgerDb } from './ledger-db.ts';
import { countResult, type StoreLoadReport } from './ledger-rebuild.ts';
import type { WriteOp } from './ledger-writer.ts';

const READ_CHUNK = 1000;

/** Version-1 rows (none when there are no version-1 stores). */
export async function legacyCount(db: LedgerDb): Promise<number> {
  return hasLegacyStores(db) ? db.count('entries') : 0;
}

/** Admits the version-1 rows; the writes that move them into segments. */
export async function rebuildLegacy(
  db: LedgerDb,
  ledger: Ledger,
  report: StoreLoadReport,
  step: () => void,
): Promise<WriteOp[]> {
  if ((await legacyCount(db)) === 0) return [];
  const cache = new Map<string, Uint8Array>();
  for (const { id, digest } of await db.getAll('verified')) cache.set(id, digest);
  const moved: WriteOp[] = [];
  const move = (entry: Entry) =>
    moved.push({ op: 'entry', entry: { id: entry.id, bytes: entry.bytes } });
  move(ledger.genesis);
  let after: number | undefined;
  for (;;) {
    const range = after === undefined ? null : IDBKeyRange.lowerBound(after, true);
    const chunk = await db.getAllFromIndex('entries', 'pos', range, READ_CHUNK);
    if (chunk.length === 0) break;
    for (const { id, pos, bytes: value } of chunk) {
      after = pos;
      step();
      if (id === ledger.id) continue;
      const bytes = value instanceof Uint8Array ? value : new Uint8Array(0); // refused below
      const vouched = cache.get(id);
      const cached = vouched !== undefined && bytesEqual(vouched, sha256Sync(bytes));
      const result = await ledger.admit(bytes, { key: id, verifiedBefore: cached });
      countResult(report, id, result, cached);
      if (result.status === 'admitted')
        for (const r of [id, ...result.released]) move(ledger.get(r) as Entry);
    }
  }
  // Held rows passed their own checks too: they stay stored, as version 1 kept them.
  for (const held of ledger.held()) move(held.entry);
  return [...moved, { op: 'drop-legacy' }];
}
