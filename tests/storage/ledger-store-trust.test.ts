/**
 * What a reopen of the ledger store checks again (fake-indexeddb): segments whose digest
 * matches are restored without signature checks; a segment whose digest no longer matches is
 * admitted in full, and what it holds that the validator refuses is quarantined and dropped;
 * a digest made anew over altered bytes is trusted, as the store trusts this origin, and only
 * a full check (`ignoreCache`) refuses them.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Ed25519 from '../../src/core/crypto/ed25519.ts';
import { verify } from '../../src/core/crypto/ed25519.ts';
import { utf8Decode, type Entry } from '../../src/core/index.ts';
import { openLedgerStore } from '../../src/storage/ledger-store.ts';
import { storedEntries, type SegmentRow } from '../../src/core/ledger/segments.ts';
import {
  alterSignature,
  alterStored,
  appendMany,
  founded,
  ids,
  options,
  rawDb,
  tamperText,
} from './ledger-store-fixture.ts';

vi.mock('../../src/core/crypto/ed25519.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Ed25519>();
  return { ...real, verify: vi.fn(real.verify) };
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(verify).mockClear();
});

describe('ledger store: verification cache', () => {
  it('skips every stored signature check on reopen, and checks them all without the cache', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options().options);
    await appendMany(store.ledger, signers, 20);
    await store.close();

    vi.mocked(verify).mockClear();
    const cached = await openLedgerStore(store.ledger.id, options().options);
    expect(vi.mocked(verify)).toHaveBeenCalledTimes(1); // the genesis, in Ledger.open
    expect(cached.report.cached).toBe(20);
    await cached.close();

    vi.mocked(verify).mockClear();
    const full = await openLedgerStore(store.ledger.id, options({ ignoreCache: true }).options);
    expect(vi.mocked(verify)).toHaveBeenCalledTimes(21);
    expect(full.report).toMatchObject({ admitted: 20, cached: 0 });
    await full.close();
  });

  it('admits a segment whose digest no longer matches in full: bytes that no longer hash to their id are refused, quarantined and dropped', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options().options);
    const entries = await appendMany(store.ledger, signers, 9);
    await store.close();
    const victim = entries[4] as Entry; // signer 2's second entry; its seq-2 entry follows
    const forged = tamperText(victim.bytes, '"score":4', '"score":999');
    await alterStored(store.ledger.id, victim.id, () => forged, false);

    vi.mocked(verify).mockClear();
    const again = await openLedgerStore(store.ledger.id, options().options);
    expect(again.report.rejected).toEqual([
      { id: victim.id, code: 'MALFORMED_INPUT', message: expect.stringMatching(/hashes to/) },
    ]);
    expect(again.report).toMatchObject({ admitted: 7, held: 1, cached: 0 });
    // The genesis, and every other entry of the damaged segment: signatures checked again.
    expect(vi.mocked(verify)).toHaveBeenCalledTimes(9);
    expect(again.ledger.get(victim.id)).toBeUndefined();
    const quarantined = await again.quarantined();
    expect(quarantined.map((q) => [q.key, utf8Decode(q.bytes)])).toEqual([
      [victim.id, utf8Decode(forged)],
    ]);
    await again.close();
    const after = await rawDb(store.ledger.id);
    const stored = ((await after.getAll('segments')) as SegmentRow[]).flatMap((r) =>
      storedEntries(r.packed).map((e) => e.id),
    );
    expect(stored).not.toContain(victim.id);
    expect(await after.getKey('ids', victim.id)).toBeUndefined();
    after.close();
    // Written again with a fresh digest: the next reopen restores the rest unchecked.
    const third = await openLedgerStore(store.ledger.id, options().options);
    expect(third.report).toMatchObject({ admitted: 7, cached: 7, held: 1, rejected: [] });
    await third.close();
  });

  it('checks every signature of a segment whose digest no longer matches (an altered signature), and recovers when the true bytes return', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options().options);
    const entries = await appendMany(store.ledger, signers, 9);
    const order = ids(store.ledger);
    const digest = await store.ledger.digest();
    await store.close();
    const victim = entries[4] as Entry;
    // The id is unchanged: the signature is not part of it.
    await alterStored(store.ledger.id, victim.id, alterSignature, false);

    const again = await openLedgerStore(store.ledger.id, options().options);
    expect(again.report.rejected).toEqual([
      { id: victim.id, code: 'INVALID_SIGNATURE', message: expect.any(String) },
    ]);
    expect(again.report).toMatchObject({ held: 1, cached: 0 });
    // A peer sends the true bytes: they are admitted, release the held entry, and persist.
    const result = await again.ledger.admit(victim.bytes, { key: victim.id });
    expect(result).toMatchObject({ status: 'admitted', released: [(entries[7] as Entry).id] });
    await again.close();

    const healed = await openLedgerStore(store.ledger.id, options().options);
    expect(healed.report).toMatchObject({ admitted: 9, held: 0, rejected: [] });
    expect(new Set(ids(healed.ledger))).toEqual(new Set(order));
    expect(await healed.ledger.digest()).toBe(digest);
    await healed.close();
  });

  it("trusts this origin's own records: bytes altered under a digest made anew are restored unchecked, and a full check (ignoreCache) refuses them", async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options().options);
    const entries = await appendMany(store.ledger, signers, 6);
    await store.close();
    const victim = entries[5] as Entry; // the last entry: nothing waits for it
    await alterStored(store.ledger.id, victim.id, alterSignature, true);

    const trusted = await openLedgerStore(store.ledger.id, options().options);
    expect(trusted.report).toMatchObject({ admitted: 6, cached: 6, rejected: [] });
    await trusted.close();
    const checked = await openLedgerStore(store.ledger.id, options({ ignoreCache: true }).options);
    expect(checked.report).toMatchObject({ admitted: 5, cached: 0 });
    expect(checked.report.rejected.map((r) => [r.id, r.code])).toEqual([
      [victim.id, 'INVALID_SIGNATURE'],
    ]);
    await checked.close();
  });

  it('drops a segment too damaged to read, and stores its entries again when they return', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options().options);
    await appendMany(store.ledger, signers, 5);
    await store.flush();
    const [late] = await appendMany(store.ledger, signers, 1); // a segment of its own
    await store.close();
    const db = await rawDb(store.ledger.id);
    const rows = (await db.getAll('segments')) as SegmentRow[];
    const last = rows.at(-1) as SegmentRow;
    await db.put('segments', { ...last, packed: last.packed.subarray(0, 10).slice() });
    db.close();

    const again = await openLedgerStore(store.ledger.id, options().options);
    expect(again.report).toMatchObject({ admitted: 5, rejected: [] });
    expect(again.ledger.get((late as Entry).id)).toBeUndefined();
    expect((await again.ledger.admit((late as Entry).bytes)).status).toBe('admitted');
    await again.close();
    const healed = await openLedgerStore(store.ledger.id, options().options);
    expect(healed.report).toMatchObject({ admitted: 6, cached: 6 });
    await healed.close();
  });
});
