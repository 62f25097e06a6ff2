/**
 * The Yjs binding alone (one honest doc, writes from a hostile one): whatever a value does to
 * the validator, the binding keeps repairing the map afterwards.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  Ledger,
  makeSeedSigner,
  utf8Encode,
  type Entry,
  type Signer,
} from '../../src/core/index.ts';
import { MAX_HELD_PER_UNKNOWN_AUTHOR } from '../../src/core/ledger/limits.ts';
import { bindLedgerDoc, ENTRIES_MAP } from '../../src/sync/ledger-doc.ts';
import { unresolvable } from '../helpers/ledger-junk.ts';

const T = '2026-11-22T09:00:00Z';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

async function room() {
  const admin = await signer(1);
  const ledger = await Ledger.found(admin, { name: 'room', admins: [admin.did], threshold: 1 }, T);
  const dev = await signer(2);
  const registered = await ledger.append(dev, 'register', { name: 'dev' }, T);
  const doc = new Y.Doc();
  const errors: unknown[] = [];
  const binding = bindLedgerDoc(doc, ledger, { onError: (error) => errors.push(error) });
  const hostile = new Y.Doc();
  const sync = () => {
    Y.applyUpdate(hostile, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(hostile)));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(hostile, Y.encodeStateVector(doc)));
  };
  sync();
  await binding.settled();
  const theirs = hostile.getMap<Uint8Array>(ENTRIES_MAP);
  return { ledger, doc, binding, hostile, theirs, sync, registered, errors, dev, admin };
}

/** A hostile peer writes entries under their ids, in one transaction. */
function hostileWrite(map: Y.Map<Uint8Array>, entries: readonly Entry[]): void {
  map.doc?.transact(() => {
    for (const entry of entries) map.set(entry.id, entry.bytes);
  });
}

describe('the Yjs binding', () => {
  it('keeps repairing the map after the validator threw on one value', async () => {
    const { ledger, doc, binding, theirs, sync, registered, errors } = await room();
    const admit = ledger.admit.bind(ledger);
    let armed = true;
    ledger.admit = (bytes, options) => {
      if (armed) {
        armed = false;
        throw new TypeError('a bug in the validator');
      }
      return admit(bytes, options);
    };
    theirs.set(`sha256:${'11'.repeat(32)}`, utf8Encode('{"junk":1}'));
    sync();
    await binding.settled();
    expect(errors).toHaveLength(1);
    // A later hostile deletion of a verified entry is still put back, and junk still goes.
    theirs.delete(registered.id);
    theirs.set(`sha256:${'22'.repeat(32)}`, utf8Encode('{"junk":2}'));
    sync();
    await binding.settled();
    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    expect(map.get(registered.id)).toEqual(registered.bytes);
    expect(map.has(`sha256:${'22'.repeat(32)}`)).toBe(false);
  });

  it('seeds the map from the ledger only once seedAfter settles (the app: the room is open)', async () => {
    const admin = await signer(1);
    const ledger = await Ledger.found(admin, { name: 'r', admins: [admin.did], threshold: 1 }, T);
    const registered = await ledger.append(await signer(2), 'register', { name: 'dev' }, T);
    const doc = new Y.Doc();
    const written: number[] = [];
    doc.on('update', (update: Uint8Array) => written.push(update.length));
    let open = () => {};
    const seedAfter = new Promise<void>((done) => (open = done));
    const binding = bindLedgerDoc(doc, ledger, { seedAfter });
    await new Promise((r) => setTimeout(r, 20));
    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    expect(map.size).toBe(0);
    expect(written).toEqual([]);
    open();
    await binding.settled();
    expect(map.get(registered.id)).toEqual(registered.bytes);
    expect(map.size).toBe(ledger.size);
    binding.destroy();
  });

  it('values under keys named after Object.prototype members are refused and removed', async () => {
    const { ledger, doc, binding, theirs, sync, registered, errors } = await room();
    const text = new TextDecoder().decode(registered.bytes);
    const hostile = text.replace('"body":{', '"body":{"hasOwnProperty":1,');
    for (const key of ['__proto__', 'constructor', 'hasOwnProperty', 'valueOf'])
      theirs.set(key, utf8Encode(hostile));
    theirs.set(registered.id, utf8Encode(hostile));
    sync();
    await binding.settled();
    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    expect([...map.keys()].sort()).toEqual([ledger.id, registered.id].sort());
    expect(map.get(registered.id)).toEqual(registered.bytes);
    expect(errors).toEqual([]);
  });
});

describe('what unresolvable junk may occupy in the shared map', () => {
  it('entries by a throwaway key with made-up predecessors leave the map as the ledger drops them', async () => {
    const { ledger, doc, binding, theirs, sync, registered } = await room();
    const throwaway = await signer(66);
    const junk = await unresolvable(ledger.id, throwaway, 1000);
    hostileWrite(theirs, junk);
    sync();
    await binding.settled();
    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    const left = junk.filter((e) => map.has(e.id));
    expect(left.length).toBe(MAX_HELD_PER_UNKNOWN_AUTHOR);
    expect(ledger.heldCount).toBe(MAX_HELD_PER_UNKNOWN_AUTHOR);
    expect(map.get(registered.id)).toEqual(registered.bytes);
    // What a new peer receives: the verified entries and the bounded held ones, not 1000.
    const joiner = new Y.Doc();
    Y.applyUpdate(joiner, Y.encodeStateAsUpdate(doc));
    expect(joiner.getMap(ENTRIES_MAP).size).toBe(ledger.size + MAX_HELD_PER_UNKNOWN_AUTHOR);
  }, 30_000);
});
