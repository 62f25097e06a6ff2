/**
 * The ledger store's layout over fake-indexeddb: a version-1 store (one row per entry and a
 * cache of digests) is read as version 1 did and moved into segments without losing an entry
 * or its order; runs of small segments are merged on reopen; segments recorded under other
 * rules are admitted in full and written again.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { sha256Sync } from '../../src/core/crypto/hash.ts';
import { Ledger, type Entry } from '../../src/core/index.ts';
import { ledgerStoreName, openLedgerStore } from '../../src/storage/ledger-store.ts';
import { storedEntries, type SegmentRow } from '../../src/core/ledger/segments.ts';
import { appendMany, founded, ids } from './ledger-store-fixture.ts';

const onError = (error: unknown) => {
  throw error;
};

/** A ledger with `count` entries beyond its genesis, by three authors. */
async function sourceLedger(count: number): Promise<Ledger> {
  const { genesis, signers } = await founded();
  const ledger = await Ledger.open(genesis);
  await appendMany(ledger, signers, count);
  return ledger;
}

async function segments(ledgerId: string): Promise<string[][]> {
  const db = await openDB(ledgerStoreName(ledgerId), 2);
  const rows = (await db.getAll('segments')) as SegmentRow[];
  db.close();
  return rows.map((r) => storedEntries(r.packed).map((e) => e.id));
}

/** Writes a version-1 database as that version did: rows by `pos`, digests of what it checked. */
async function writeVersion1(ledger: Ledger, vouched: (i: number) => boolean): Promise<void> {
  const db = await openDB(ledgerStoreName(ledger.id), 1, {
    upgrade(raw) {
      raw
        .createObjectStore('entries', { keyPath: 'id' })
        .createIndex('pos', 'pos', { unique: true });
      raw.createObjectStore('verified', { keyPath: 'id' });
      raw
        .createObjectStore('quarantine', { keyPath: 'seq', autoIncrement: true })
        .createIndex('name', 'name', { unique: true });
    },
  });
  const all = [...ledger.all()];
  const tx = db.transaction(['entries', 'verified'], 'readwrite');
  all.forEach((entry: Entry, pos) => {
    void tx.objectStore('entries').put({ id: entry.id, pos: pos * 2, bytes: entry.bytes.slice() });
    if (vouched(pos))
      void tx.objectStore('verified').put({ id: entry.id, digest: sha256Sync(entry.bytes) });
  });
  await tx.done;
  db.close();
}

describe('ledger store layout', () => {
  it('moves a version-1 store into segments, in order, checking only the signatures its cache did not vouch for', async () => {
    const source = await sourceLedger(40);
    await writeVersion1(source, (pos) => pos % 4 !== 1);
    const first = await openLedgerStore(source.id, { onError });
    expect(ids(first.ledger)).toEqual(ids(source));
    expect(first.report).toMatchObject({ admitted: 40, cached: 30, rejected: [] });
    await first.close();
    expect((await segments(source.id)).flat()).toEqual(ids(source));
    const db = await openDB(ledgerStoreName(source.id), 2);
    expect([await db.count('entries'), await db.count('verified')]).toEqual([0, 0]);
    db.close();

    const again = await openLedgerStore(source.id, { onError });
    expect(ids(again.ledger)).toEqual(ids(source));
    expect(again.report).toMatchObject({ admitted: 40, cached: 40 });
    expect(await again.ledger.digest()).toBe(await source.digest());
    await again.close();
  });

  it('merges runs of small segments on reopen, keeping the order', async () => {
    const source = await sourceLedger(30);
    const store = await openLedgerStore(source.genesis.bytes, { onError });
    for (const entry of [...source.all()].slice(1)) {
      await store.ledger.admit(entry.bytes);
      await store.flush(); // one segment each, as entries that trickle in from peers
    }
    await store.close();
    expect(await segments(source.id)).toHaveLength(31);
    const again = await openLedgerStore(source.id, { onError });
    await again.close();
    expect(await segments(source.id)).toEqual([ids(source)]);
    const third = await openLedgerStore(source.id, { onError });
    expect(ids(third.ledger)).toEqual(ids(source));
    expect(third.report).toMatchObject({ admitted: 30, cached: 30 });
    await third.close();
  });

  it('admits segments recorded under other rules in full, and records them again under these', async () => {
    const source = await sourceLedger(12);
    const store = await openLedgerStore(source.genesis.bytes, { onError });
    for (const entry of [...source.all()].slice(1)) await store.ledger.admit(entry.bytes);
    await store.close();
    const db = await openDB(ledgerStoreName(source.id), 2);
    for (const row of (await db.getAll('segments')) as SegmentRow[])
      await db.put('segments', { ...row, rules: row.rules + 1 });
    db.close();
    const again = await openLedgerStore(source.id, { onError });
    expect(again.report).toMatchObject({ admitted: 12, cached: 0 });
    await again.close();
    const third = await openLedgerStore(source.id, { onError });
    expect(third.report).toMatchObject({ admitted: 12, cached: 12 });
    expect(ids(third.ledger)).toEqual(ids(source));
    await third.close();
  });

  it('never rewrites a segment another tab changed since it was read (its entries stay)', async () => {
    const source = await sourceLedger(4);
    const [, ...entries] = [...source.all()];
    const store = await openLedgerStore(source.genesis.bytes, { onError });
    for (const entry of entries.slice(0, 3)) {
      await store.ledger.admit(entry.bytes);
      await store.flush(); // small segments, to be merged by whoever opens next
    }
    await store.close();
    // Tab A opens and plans to merge them; its writes wait.
    const a = await openLedgerStore(source.id, { onError, flushDelayMs: 60_000 });
    // Tab C merges them too, and stores one more entry in a segment of its own.
    const c = await openLedgerStore(source.id, { onError });
    await c.ledger.admit((entries[3] as Entry).bytes);
    await c.close();
    // Tab B merges that segment into the first one.
    const b = await openLedgerStore(source.id, { onError });
    await b.close();
    expect(await segments(source.id)).toEqual([ids(source)]);
    // A's plan is stale: carried out, it would put back the first segment without the entry.
    await a.close();
    expect(await segments(source.id)).toEqual([ids(source)]);
    const again = await openLedgerStore(source.id, { onError });
    expect(ids(again.ledger)).toEqual(ids(source));
    await again.close();
  });
});
