/**
 * The verified-entry store over fake-indexeddb: entries, order, digest and quarantine survive
 * a reopen; writes are batched, and a failed write is reported and retried, never dropped.
 * (ledger-store-trust.test.ts: what a reopen checks again; ledger-store-layout.test.ts: how
 * entries are kept.)
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ledger, utf8Decode, utf8Encode, type Entry } from '../../src/core/index.ts';
import { ledgerStoreName, openLedgerStore } from '../../src/storage/ledger-store.ts';
import { storedEntries, type SegmentRow } from '../../src/core/ledger/segments.ts';
import { REQUEST_SLICE } from '../../src/storage/ledger-writer.ts';
import { appendMany, founded, ids, options, rawDb } from './ledger-store-fixture.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ledger store: round trip', () => {
  it('keeps every entry in admission order, the digest and the quarantine across a reopen', async () => {
    const { genesis, signers } = await founded();
    const { errors, options: o } = options();
    const store = await openLedgerStore(genesis, o);
    expect(store.report).toEqual({ admitted: 0, cached: 0, held: 0, rejected: [] });
    await appendMany(store.ledger, signers, 30);
    await store.ledger.admit(utf8Encode('not an entry'), { key: 'junk' });
    await store.ledger.admit(utf8Encode('{"v":1'));
    const order = ids(store.ledger);
    const digest = await store.ledger.digest();
    await store.close();

    const again = await openLedgerStore(store.ledger.id, o);
    expect(ids(again.ledger)).toEqual(order);
    expect(await again.ledger.digest()).toBe(digest);
    expect(again.report).toEqual({ admitted: 30, cached: 30, held: 0, rejected: [] });
    const quarantined = await again.quarantined();
    expect(quarantined.map((q) => [q.key, q.code, utf8Decode(q.bytes)])).toEqual([
      ['junk', 'MALFORMED_INPUT', 'not an entry'],
      ['', 'MALFORMED_INPUT', '{"v":1'],
    ]);
    await again.close();

    const byBytes = await openLedgerStore(genesis, o);
    expect(ids(byBytes.ledger)).toEqual(order);
    await byBytes.close();
    expect(errors).toEqual([]);
  });

  it('refuses to open an unknown ledger id and leaves no empty database behind', async () => {
    const unknown = `sha256:${'00'.repeat(32)}`;
    await expect(openLedgerStore(unknown, options().options)).rejects.toThrow(/no stored genesis/);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(ledgerStoreName(unknown));
    await expect(openLedgerStore('sha256:nope', options().options)).rejects.toThrow(TypeError);
  });

  it('stores an entry that arrived as a view into a larger buffer without that buffer', async () => {
    const { genesis, signers } = await founded();
    const source = await Ledger.open(genesis);
    const [entry] = await appendMany(source, signers, 1);
    const store = await openLedgerStore(genesis, options().options);
    const big = new Uint8Array(1 << 20);
    big.set((entry as Entry).bytes, 4096);
    const view = big.subarray(4096, 4096 + (entry as Entry).bytes.length);
    expect((await store.ledger.admit(view)).status).toBe('admitted');
    await store.close();
    const db = await rawDb(store.ledger.id);
    const row = ((await db.getAll('segments')) as SegmentRow[]).at(-1) as SegmentRow;
    db.close();
    expect(storedEntries(row.packed).map((e) => e.id)).toEqual([(entry as Entry).id]);
    // Count, id and length, then the entry between brackets: nothing of the larger buffer.
    expect(row.packed.buffer.byteLength).toBe(4 + 71 + 4 + 1 + view.length + 1);
  });
});

/** Counts readwrite transactions; `failFirst` of them throw a QuotaExceededError first. */
function watchWrites(failFirst = 0) {
  const real = IDBDatabase.prototype.transaction;
  const counter = { writes: 0, failures: failFirst };
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (
    this: IDBDatabase,
    ...args: Parameters<IDBDatabase['transaction']>
  ) {
    if (args[1] === 'readwrite') {
      if (counter.failures-- > 0) throw new DOMException('quota exceeded', 'QuotaExceededError');
      counter.writes++;
    }
    return real.apply(this, args);
  });
  return counter;
}

describe('ledger store: batched writes', () => {
  it('writes 2500 admissions in three transactions and reports loading progress', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options({ flushDelayMs: 60_000 }).options);
    const counter = watchWrites();
    await appendMany(store.ledger, signers, 2500);
    expect(store.unsaved).toBe(500);
    await store.flush();
    expect(store.unsaved).toBe(0);
    expect(counter.writes).toBe(3);
    await store.close();

    const progress: [number, number][] = [];
    const again = await openLedgerStore(
      store.ledger.id,
      options({ progress: (done, total) => progress.push([done, total]) }).options,
    );
    expect(progress).toEqual([
      [1000, 2501],
      [2000, 2501],
      [2501, 2501],
    ]);
    expect(ids(again.ledger)).toEqual(ids(store.ledger));
    await again.close();
  });

  it("makes a batch's requests a slice at a time, never a whole batch in one go", async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options({ flushDelayMs: 60_000 }).options);
    // Requests made without a break (no microtask checkpoint between them): one task's worth.
    let run = 0;
    let longest = 0;
    let made = 0;
    const count = () => {
      made++;
      if (run++ === 0) queueMicrotask(() => (run = 0));
      longest = Math.max(longest, run);
    };
    const { getKey, put } = IDBObjectStore.prototype;
    vi.spyOn(IDBObjectStore.prototype, 'getKey').mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['getKey']>
    ) {
      count();
      return getKey.apply(this, args);
    });
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      count();
      return put.apply(this, args);
    });
    await appendMany(store.ledger, signers, 1000); // one batch of 1,000 (with the genesis)
    await store.flush();
    vi.restoreAllMocks();
    expect(made).toBeGreaterThanOrEqual(2000); // an existence check and an id per entry
    expect(longest).toBeLessThanOrEqual(REQUEST_SLICE + 1);
    await store.close();
    const again = await openLedgerStore(store.ledger.id, options().options);
    expect(ids(again.ledger)).toEqual(ids(store.ledger));
    await again.close();
  });

  it('writes a few admissions once the delay has passed, without a flush', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options({ flushDelayMs: 200 }).options);
    const counter = watchWrites();
    await appendMany(store.ledger, signers, 3);
    // No flush: the timer alone writes them (in one transaction unless appending took longer
    // than the delay on a loaded machine).
    await vi.waitFor(() => expect(store.unsaved).toBe(0));
    expect(counter.writes).toBeGreaterThanOrEqual(1);
    expect(counter.writes).toBeLessThanOrEqual(3);
    const db = await rawDb(store.ledger.id);
    expect(await db.count('ids')).toBe(4);
    db.close();
    await store.close();
  });

  it('reports a failed write, keeps it queued, and commits it on the next flush', async () => {
    const { genesis, signers } = await founded();
    const { errors, options: o } = options({ flushDelayMs: 60_000 });
    const store = await openLedgerStore(genesis, o);
    watchWrites(1);
    await store.ledger.admit(utf8Encode('junk'), { key: 'junk' });
    await appendMany(store.ledger, signers, 5);
    await expect(store.flush()).rejects.toThrow('quota exceeded');
    expect(errors).toHaveLength(1);
    expect(store.unsaved).toBe(6);
    await store.flush();
    expect(store.unsaved).toBe(0);
    await store.close();

    const again = await openLedgerStore(store.ledger.id, o);
    expect(ids(again.ledger)).toEqual(ids(store.ledger));
    expect((await again.quarantined()).map((q) => q.key)).toEqual(['junk']);
    await again.close();
    expect(errors).toHaveLength(1);
  });

  it('keeps one quarantine record per key and code (the newest), and only the newest up to the cap', async () => {
    const { genesis } = await founded();
    const store = await openLedgerStore(genesis, options({ maxQuarantine: 3 }).options);
    const junk = async (key: string, text: string) => {
      await store.ledger.admit(utf8Encode(text), { key });
    };
    const kept = async () =>
      (await store.quarantined()).map((q) => `${q.key}=${utf8Decode(q.bytes).slice(0, 8)}`);
    await junk('a', 'junk a1');
    await junk('b', 'junk b');
    await junk('a', 'junk a2'); // in the same batch
    expect(await kept()).toEqual(['a=junk a2', 'b=junk b']);
    await junk('a', 'junk a3'); // in a later batch
    expect(await kept()).toEqual(['a=junk a3', 'b=junk b']);
    await junk('c', 'junk c');
    await junk('k'.repeat(10_000), 'junk long key');
    await junk('big', 'x'.repeat(300_000));
    expect(await kept()).toEqual([`c=junk c`, `${'k'.repeat(256)}=junk lon`, 'big=xxxxxxxx']);
    const [, , big] = await store.quarantined();
    expect(big).toMatchObject({ code: 'TOO_LARGE', size: 300_000 });
    expect(big?.bytes.length).toBeLessThan(300_000);
    await store.close();
  });
});
