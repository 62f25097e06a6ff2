/**
 * The verified-entry store over fake-indexeddb: entries, order, digest and quarantine survive
 * a reopen; the verification cache skips signature checks only for the exact bytes it saw;
 * tampered stored entries are refused and moved to the quarantine; writes are batched, and a
 * failed write is reported and retried, never dropped.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Ed25519 from '../../src/core/crypto/ed25519.ts';
import { verify } from '../../src/core/crypto/ed25519.ts';
import { sha256Sync } from '../../src/core/crypto/hash.ts';
import {
  Ledger,
  makeSeedSigner,
  utf8Decode,
  utf8Encode,
  type Entry,
  type Signer,
} from '../../src/core/index.ts';
import {
  ledgerStoreName,
  openLedgerStore,
  type LedgerStoreOptions,
} from '../../src/storage/ledger-store.ts';

vi.mock('../../src/core/crypto/ed25519.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Ed25519>();
  return { ...real, verify: vi.fn(real.verify) };
});

const T = '2026-11-22T10:00:00Z';
const PATCH = `sha256:${'ef'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

let ledgers = 0;
/** A new ledger (a new database) with an admin and two more authors. */
async function founded() {
  const signers = [await signer(1), await signer(2), await signer(3)];
  const admin = signers[0] as Signer;
  const name = `store test ${++ledgers}`;
  const ledger = await Ledger.found(admin, { name, admins: [admin.did], threshold: 1 }, T);
  return { genesis: ledger.genesis.bytes, signers };
}

/** Appends `count` entries, round robin over the signers: each registers, then attests. */
async function appendMany(ledger: Ledger, signers: Signer[], count: number): Promise<Entry[]> {
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const who = signers[i % signers.length] as Signer;
    out.push(
      ledger.head(who.did) === undefined
        ? await ledger.append(who, 'register', { name: `system ${i}` }, T)
        : await ledger.append(who, 'attest', { patch: PATCH, reason: 'tested', score: i }, T),
    );
  }
  return out;
}

const ids = (ledger: Ledger): string[] => [...ledger.all()].map((e) => e.id);

function options(extra: Partial<LedgerStoreOptions> = {}) {
  const errors: unknown[] = [];
  return { errors, options: { onError: (e: unknown) => errors.push(e), ...extra } };
}

/** The raw database, for tampering as another program (or a bad extension) would. */
const rawDb = (ledgerId: string) => openDB(ledgerStoreName(ledgerId), 1);

function tamperText(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = utf8Decode(bytes);
  expect(text).toContain(from);
  return utf8Encode(text.replace(from, to));
}

/** The same entry with the first base64 character of its signature changed. */
function alterSignature(bytes: Uint8Array): Uint8Array {
  const text = utf8Decode(bytes);
  const at = text.indexOf('"sig":"') + '"sig":"'.length;
  return utf8Encode(`${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(verify).mockClear();
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
    const row = (await db.get('entries', (entry as Entry).id)) as { bytes: Uint8Array };
    db.close();
    expect(row.bytes.buffer.byteLength).toBe(view.length);
  });
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

  it('refuses a stored entry whose bytes no longer hash to its id, even with a matching cache', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options().options);
    const entries = await appendMany(store.ledger, signers, 9);
    await store.close();
    const victim = entries[4] as Entry; // signer 2's second entry; its seq-2 entry follows
    const forged = tamperText(victim.bytes, '"score":4', '"score":999');
    const db = await rawDb(store.ledger.id);
    await db.put('entries', { ...(await db.get('entries', victim.id)), bytes: forged });
    await db.put('verified', { id: victim.id, digest: sha256Sync(forged) }); // cache vouches too
    db.close();

    const again = await openLedgerStore(store.ledger.id, options().options);
    expect(again.report.rejected).toEqual([
      { id: victim.id, code: 'MALFORMED_INPUT', message: expect.stringMatching(/hashes to/) },
    ]);
    expect(again.report).toMatchObject({ admitted: 7, held: 1 });
    expect(again.ledger.get(victim.id)).toBeUndefined();
    const quarantined = await again.quarantined();
    expect(quarantined.map((q) => [q.key, utf8Decode(q.bytes)])).toEqual([
      [victim.id, utf8Decode(forged)],
    ]);
    await again.close();
    const after = await rawDb(store.ledger.id);
    expect(await after.get('entries', victim.id)).toBeUndefined();
    expect(await after.get('verified', victim.id)).toBeUndefined();
    after.close();
  });

  it('checks the signature of stored bytes the cache did not see (an altered signature), and recovers when the true bytes return', async () => {
    const { genesis, signers } = await founded();
    const store = await openLedgerStore(genesis, options().options);
    const entries = await appendMany(store.ledger, signers, 9);
    const order = ids(store.ledger);
    const digest = await store.ledger.digest();
    await store.close();
    const victim = entries[4] as Entry;
    const badSig = alterSignature(victim.bytes);
    const db = await rawDb(store.ledger.id);
    await db.put('entries', { ...(await db.get('entries', victim.id)), bytes: badSig });
    db.close(); // the id is unchanged (the signature is not part of it) and still cached

    vi.mocked(verify).mockClear();
    const again = await openLedgerStore(store.ledger.id, options().options);
    expect(vi.mocked(verify)).toHaveBeenCalledTimes(2); // the genesis and the altered entry
    expect(again.report.rejected).toEqual([
      { id: victim.id, code: 'INVALID_SIGNATURE', message: expect.any(String) },
    ]);
    expect(again.report.held).toBe(1);
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
    expect(await db.count('entries')).toBe(4);
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
