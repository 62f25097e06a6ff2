/**
 * Shared by the ledger store's tests: new ledgers (one database each), entries appended by
 * several authors, options that collect errors, and tampering with the raw database as
 * another program (or a bad extension) would.
 */
import { openDB } from 'idb';
import { expect } from 'vitest';
import {
  Ledger,
  makeSeedSigner,
  utf8Decode,
  utf8Encode,
  type Entry,
  type Signer,
} from '../../src/core/index.ts';
import { ledgerStoreName, type LedgerStoreOptions } from '../../src/storage/ledger-store.ts';
import {
  makeSegment,
  pack,
  storedEntries,
  type SegmentRow,
} from '../../src/core/ledger/segments.ts';

export const T = '2026-11-22T10:00:00Z';
export const PATCH = `sha256:${'ef'.repeat(32)}`;
export const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

let ledgers = 0;
/** A new ledger (a new database) with an admin and two more authors. */
export async function founded() {
  const signers = [await signer(1), await signer(2), await signer(3)];
  const admin = signers[0] as Signer;
  const name = `store test ${++ledgers}`;
  const ledger = await Ledger.found(admin, { name, admins: [admin.did], threshold: 1 }, T);
  return { genesis: ledger.genesis.bytes, signers };
}

/** Appends `count` entries, round robin over the signers: each registers, then attests. */
export async function appendMany(
  ledger: Ledger,
  signers: Signer[],
  count: number,
): Promise<Entry[]> {
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

export const ids = (ledger: Ledger): string[] => [...ledger.all()].map((e) => e.id);

export function options(extra: Partial<LedgerStoreOptions> = {}) {
  const errors: unknown[] = [];
  return { errors, options: { onError: (e: unknown) => errors.push(e), ...extra } };
}

/** The raw database, for tampering as another program (or a bad extension) would. */
export const rawDb = (ledgerId: string) => openDB(ledgerStoreName(ledgerId), 2);

/**
 * Replaces the stored bytes of entry `id` in its segment. With `redigest`, the segment's
 * digest is made anew over the altered bytes (as anyone who can write this origin's
 * IndexedDB could); without, the old digest stays (damage, or a careless writer).
 */
export async function alterStored(
  ledgerId: string,
  id: string,
  alter: (bytes: Uint8Array) => Uint8Array,
  redigest: boolean,
): Promise<void> {
  const db = await rawDb(ledgerId);
  const rows = (await db.getAll('segments')) as SegmentRow[];
  const row = rows.find((r) => storedEntries(r.packed).some((e) => e.id === id)) as SegmentRow;
  const entries = storedEntries(row.packed).map((e) =>
    e.id === id ? { id, bytes: alter(e.bytes) } : e,
  );
  const fresh = makeSegment(ledgerId, entries);
  await db.put(
    'segments',
    redigest ? { ...fresh, key: row.key } : { ...row, packed: pack(entries) },
  );
  db.close();
}

export function tamperText(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = utf8Decode(bytes);
  expect(text).toContain(from);
  return utf8Encode(text.replace(from, to));
}

/** The same entry with the first base64 character of its signature changed. */
export function alterSignature(bytes: Uint8Array): Uint8Array {
  const text = utf8Decode(bytes);
  const at = text.indexOf('"sig":"') + '"sig":"'.length;
  return utf8Encode(`${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`);
}
