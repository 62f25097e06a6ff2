/**
 * What peers write outside the ledger's `entries` map (src/sync/foreign-roots.ts, installed by
 * the binding): an insider's junk in another root type, or as list content under the `entries`
 * root, is deleted by the honest peer as it arrives, the deletion reaches the writer, and a
 * peer joining later is not handed the junk. Two Y.Docs exchanging updates, the honest one
 * bound to a verified ledger with the real binding.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Ledger, makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { keepOnlyMaps } from '../../src/sync/foreign-roots.ts';
import { bindLedgerDoc, ENTRIES_MAP } from '../../src/sync/ledger-doc.ts';

const T = '2026-11-22T09:00:00Z';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const JUNK = 64 * 1024;

async function honestPeer() {
  const admin = await signer(1);
  const ledger = await Ledger.found(admin, { name: 'room', admins: [admin.did], threshold: 1 }, T);
  const dev = await signer(2);
  await ledger.append(dev, 'register', { name: 'dev' }, T);
  const doc = new Y.Doc();
  const binding = bindLedgerDoc(doc, ledger);
  await binding.settled();
  return { ledger, doc, binding };
}

/** Each doc receives what it lacks from the other, as a sync step 2 each way. */
function exchange(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

/** What a fresh peer joining `doc` is sent. */
const sentToJoiner = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc).length;

describe('content outside the entries map', () => {
  it('is removed from other root types, so a joiner is not sent it', async () => {
    const { ledger, doc, binding } = await honestPeer();
    const hostile = new Y.Doc();
    exchange(doc, hostile);
    const before = sentToJoiner(doc);
    // 40 values of 64 KiB in an array root, one transaction each (the walk sent 40 × 1 MiB),
    // and more in a text root and under a map root, nested.
    const junk = hostile.getArray<Uint8Array>('junk');
    for (let i = 0; i < 40; i++) junk.push([new Uint8Array(JUNK).fill(i)]);
    hostile.getText('notes').insert(0, 'x'.repeat(JUNK));
    const nested = new Y.Array<string>();
    hostile.getMap('elsewhere').set('deep', nested);
    nested.push(['y'.repeat(JUNK)]);
    expect(sentToJoiner(hostile)).toBeGreaterThan(42 * JUNK);

    exchange(doc, hostile);
    await binding.settled();
    // Deleted on arrival, and the deletion goes back to the writer with the next exchange.
    expect(doc.getArray('junk').length).toBe(0);
    expect(doc.getText('notes').length).toBe(0);
    expect(doc.getMap('elsewhere').size).toBe(0);
    exchange(doc, hostile);
    expect(junk.length).toBe(0);
    expect(hostile.getText('notes').length).toBe(0);
    // What remains is deleted-item markers: a few bytes, not 2.7 MB.
    const after = sentToJoiner(doc);
    expect(after - before).toBeLessThan(256);
    const joiner = new Y.Doc();
    exchange(doc, joiner);
    expect(joiner.getArray('junk').length).toBe(0);
    expect(joiner.getMap(ENTRIES_MAP).size).toBe(ledger.size);
    // The ledger's own map is untouched.
    expect(doc.getMap(ENTRIES_MAP).size).toBe(ledger.size);
  });

  it('is removed when written as a list under the entries root, and the entries stay', async () => {
    const { ledger, doc, binding } = await honestPeer();
    // A peer that never saw the map writes the same root name as an array: a Y.Map shows none
    // of it, but every peer would hold and pass it on.
    const hostile = new Y.Doc();
    const list = hostile.getArray<Uint8Array>(ENTRIES_MAP);
    for (let i = 0; i < 8; i++) list.push([new Uint8Array(JUNK).fill(i)]);
    exchange(doc, hostile);
    await binding.settled();
    exchange(doc, hostile);
    expect(sentToJoiner(doc)).toBeLessThan(ledger.size * 2048 + 512);
    expect(list.length).toBe(0);
    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    expect(map.size).toBe(ledger.size);
    for (const entry of ledger.all()) expect(map.get(entry.id)).toEqual(entry.bytes);
  });

  it('is removed from a doc that held it before it was watched', () => {
    const doc = new Y.Doc();
    doc.getArray<number>('junk').push([1, 2, 3]);
    doc.getMap<number>(ENTRIES_MAP).set('kept', 1);
    const stop = keepOnlyMaps(doc, [ENTRIES_MAP]);
    expect(doc.getArray('junk').length).toBe(0);
    expect(doc.getMap(ENTRIES_MAP).get('kept')).toBe(1);
    stop();
    doc.getArray<number>('junk').push([4]);
    expect(doc.getArray('junk').length).toBe(1); // no longer watched
  });
});
