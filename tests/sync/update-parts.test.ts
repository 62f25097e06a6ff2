import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { READ_SLICE, splitUpdate, splitUpdateInTurns } from '../../src/sync/update-parts.ts';

/** What a doc holds: every root type as JSON, and its snapshot (state vector, deletions). */
function contents(doc: Y.Doc) {
  return {
    map: doc.getMap('m').toJSON(),
    array: doc.getArray('a').toJSON(),
    text: doc.getText('t').toDelta(),
    xml: doc.getXmlFragment('x').toString(),
  };
}

function sameDoc(whole: Uint8Array, parts: readonly Uint8Array[], gc = true): void {
  const a = new Y.Doc({ gc });
  Y.applyUpdate(a, whole);
  const b = new Y.Doc({ gc });
  for (const part of parts) {
    Y.applyUpdate(b, part);
    // Nothing waits for a later part: Yjs would re-merge what waits at every part, then
    // integrate all of it in one call when it may (a task of 530 ms measured in Chromium).
    expect(b.store.pendingStructs).toBeNull();
  }
  expect(contents(b)).toEqual(contents(a));
  expect(Y.equalSnapshots(Y.snapshot(b), Y.snapshot(a))).toBe(true);
  expect(b.store.pendingStructs).toBeNull();
  expect(b.store.pendingDs).toBeNull();
}

const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }),
  fc.dictionary(
    fc.string({ maxLength: 6 }),
    fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer())),
    { maxKeys: 3, noNullPrototype: true },
  ),
);

const operation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.string({ maxLength: 3 }), value }),
  fc.record({ op: fc.constant('delete' as const), key: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('push' as const), values: fc.array(value, { maxLength: 4 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), length: fc.nat({ max: 3 }) }),
  fc.record({ op: fc.constant('type' as const), at: fc.nat(), text: fc.string({ maxLength: 12 }) }),
  fc.record({ op: fc.constant('bold' as const), at: fc.nat(), length: fc.nat({ max: 5 }) }),
  fc.record({ op: fc.constant('erase' as const), at: fc.nat(), length: fc.nat({ max: 5 }) }),
  fc.record({
    op: fc.constant('element' as const),
    name: fc.constantFrom('p', 'div'),
    attr: fc.string({ maxLength: 5 }),
  }),
  fc.record({ op: fc.constant('nested' as const), key: fc.string({ maxLength: 3 }), inner: value }),
  fc.record({ op: fc.constant('sync' as const), to: fc.nat() }),
);

function run(
  docs: Y.Doc[],
  who: number,
  step: typeof operation extends fc.Arbitrary<infer T> ? T : never,
): void {
  const doc = docs[who % docs.length] as Y.Doc;
  const map = doc.getMap<unknown>('m');
  const array = doc.getArray<unknown>('a');
  const text = doc.getText('t');
  switch (step.op) {
    case 'set':
      map.set(step.key, step.value);
      break;
    case 'delete':
      map.delete(step.key);
      break;
    case 'push':
      array.push(step.values);
      break;
    case 'cut':
      if (array.length > 0) {
        const at = step.at % array.length;
        array.delete(at, Math.min(step.length, array.length - at));
      }
      break;
    case 'type':
      text.insert(step.at % (text.length + 1), step.text);
      break;
    case 'bold':
      text.format(step.at % (text.length + 1), step.length, { bold: true });
      break;
    case 'erase': {
      const at = step.at % (text.length + 1);
      text.delete(at, Math.min(step.length, text.length - at));
      break;
    }
    case 'element': {
      const element = new Y.XmlElement(step.name);
      element.setAttribute('a', step.attr);
      element.insert(0, [new Y.XmlText('x')]);
      doc.getXmlFragment('x').push([element]);
      break;
    }
    case 'nested': {
      const inner = new Y.Map<unknown>();
      map.set(step.key, inner);
      inner.set('v', step.inner);
      break;
    }
    case 'sync': {
      const other = docs[step.to % docs.length] as Y.Doc;
      Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
      break;
    }
  }
}

describe('splitUpdate', () => {
  it('gives parts that, applied in order, leave the doc the whole update leaves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(), operation), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 120 }),
        // Without garbage collection, deleted items keep their content: only the delete set
        // says they are deleted.
        fc.boolean(),
        (clients, steps, maxBytes, gc) => {
          const docs = Array.from({ length: clients }, () => new Y.Doc({ gc }));
          for (const [who, step] of steps) run(docs, who, step);
          const all = new Y.Doc({ gc });
          for (const doc of docs) Y.applyUpdate(all, Y.encodeStateAsUpdate(doc));
          const whole = Y.encodeStateAsUpdate(all);
          const parts = splitUpdate(whole, maxBytes);
          if (parts === undefined) return;
          expect(parts.length).toBeGreaterThan(1);
          sameDoc(whole, parts, gc);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits a ledger-shaped state into parts of about the size asked', () => {
    // Many writing clients, binary values under hash keys, some overwritten and deleted.
    const docs = Array.from({ length: 6 }, () => new Y.Doc());
    for (let i = 0; i < 3000; i++) {
      const doc = docs[i % docs.length] as Y.Doc;
      const bytes = new Uint8Array(300 + (i % 500)).fill(i % 251);
      doc.getMap<Uint8Array>('m').set(`key-${i.toString(16).padStart(64, '0')}`, bytes);
      if (i % 97 === 0)
        Y.applyUpdate(docs[(i + 1) % docs.length] as Y.Doc, Y.encodeStateAsUpdate(doc));
    }
    const all = new Y.Doc();
    for (const doc of docs) Y.applyUpdate(all, Y.encodeStateAsUpdate(doc));
    all.getMap('m').delete(`key-${(5).toString(16).padStart(64, '0')}`);
    const whole = Y.encodeStateAsUpdate(all);
    const parts = splitUpdate(whole, 64 * 1024);
    if (parts === undefined) throw new Error('expected parts');
    expect(parts.length).toBeGreaterThanOrEqual(Math.floor(whole.length / (64 * 1024)));
    for (const part of parts) expect(part.length).toBeLessThan(64 * 1024 + 2048);
    sameDoc(whole, parts);
    const fresh = new Y.Doc();
    for (const part of parts) Y.applyUpdate(fresh, part);
    expect(fresh.getMap('m').size).toBe(2999);
  });

  it('reads a large update a slice per turn and gives the same parts', async () => {
    const doc = new Y.Doc();
    for (let i = 0; i < 2000; i++)
      doc.getMap<Uint8Array>('m').set(`k${i}`, new Uint8Array(700).fill(i % 251));
    const whole = Y.encodeStateAsUpdate(doc); // about 1.4 MB
    let turns = 0;
    const split = await splitUpdateInTurns(whole, 64 * 1024, async () => {
      turns++;
    });
    if (split === undefined) throw new Error('expected parts');
    // A turn after each READ_SLICE bytes read: never the whole update in one go.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(whole.length / READ_SLICE) - 1);
    expect(turns).toBeLessThan(Math.ceil(whole.length / READ_SLICE));
    const parts = Array.from({ length: split.count }, (_, i) => split.part(i));
    const again = splitUpdate(whole, 64 * 1024) ?? [];
    expect(again.length).toBe(parts.length);
    parts.forEach((part, i) => expect(Buffer.compare(part, again[i] as Uint8Array)).toBe(0));
    sameDoc(whole, parts);
    // Unreadable: no parts, whatever the turns.
    expect(await splitUpdateInTurns(whole.subarray(0, 1_000_000), 64 * 1024, async () => {})).toBe(
      undefined,
    );
  });

  it('orders the parts so that no struct waits for a later one, however the clients interleave', () => {
    // One client's text typed backwards by another: each insertion names a later one as its
    // right origin, so parts cut in the update's order of clients left most structs waiting.
    const a = new Y.Doc();
    const b = new Y.Doc();
    for (let i = 0; i < 256; i++) {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      from.getText('t').insert(0, 'x'.repeat(20));
      Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
    }
    const whole = Y.encodeStateAsUpdate(a);
    const parts = splitUpdate(whole, 256);
    if (parts === undefined) throw new Error('expected parts');
    expect(parts.length).toBeGreaterThan(10);
    sameDoc(whole, parts); // nothing pending after any part

    // Three clients overwriting each other's map keys, synced now and then (a ledger repaired
    // by peers): the same.
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    for (let i = 0; i < 600; i++) {
      const doc = docs[i % 3] as Y.Doc;
      doc.getMap('m').set(`k${i % 50}`, new Uint8Array(100).fill(i % 251));
      if (i % 7 === 0) Y.applyUpdate(docs[(i + 1) % 3] as Y.Doc, Y.encodeStateAsUpdate(doc));
    }
    const all = new Y.Doc();
    for (const doc of docs) Y.applyUpdate(all, Y.encodeStateAsUpdate(doc));
    const state = Y.encodeStateAsUpdate(all);
    const cut = splitUpdate(state, 2000);
    if (cut === undefined) throw new Error('expected parts');
    sameDoc(state, cut);
  });

  it('keeps an update whole when it is small or its dependencies go round', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('a', 'b');
    expect(splitUpdate(Y.encodeStateAsUpdate(doc), 1024)).toBeUndefined();

    // Two items, each inserted after the other: never from Yjs, but a peer may send it.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 2);
    for (const [client, other, text] of [
      [7, 9, 'x'.repeat(40)],
      [9, 7, 'y'.repeat(40)],
    ] as const) {
      encoding.writeVarUint(encoder, 1); // one struct
      encoding.writeVarUint(encoder, client);
      encoding.writeVarUint(encoder, 0); // at clock 0
      encoding.writeUint8(encoder, 0x80 | 4); // an origin; string content
      encoding.writeVarUint(encoder, other);
      encoding.writeVarUint(encoder, 0);
      encoding.writeVarString(encoder, text);
    }
    encoding.writeVarUint(encoder, 0); // no deletions
    expect(splitUpdate(encoding.toUint8Array(encoder), 16)).toBeUndefined();
  });

  it('never throws on hostile bytes: truncated, corrupted, random, deeply nested', () => {
    const doc = new Y.Doc();
    const map = doc.getMap<unknown>('m');
    for (let i = 0; i < 200; i++)
      map.set(`k${i}`, { n: i, s: 'v'.repeat(i % 50), b: new Uint8Array(i % 9) });
    const whole = Y.encodeStateAsUpdate(doc);
    for (let cut = 0; cut < whole.length; cut += 7) {
      expect(() => splitUpdate(whole.subarray(0, cut), 64)).not.toThrow();
    }
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer({ min: 1, max: 500 }),
        (bytes, max) => {
          expect(() => splitUpdate(bytes, max)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat({ max: whole.length - 1 }), fc.nat({ max: 255 }), (at, byte) => {
        const corrupted = whole.slice();
        corrupted[at] = byte;
        expect(() => splitUpdate(corrupted, 64)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    // An `any` value nested 100,000 arrays deep (type 117, length 1, ...), after one item's
    // header: refused, not a stack overflow.
    const nested = new Uint8Array(200_009);
    // 1 client, 1 struct, client 7, clock 0; an item of `any` content in root map "m": 1 value
    nested.set([1, 1, 7, 0, 8, 1, 1, 109, 1], 0);
    for (let i = 9; i < nested.length - 1; i += 2) nested.set([117, 1], i);
    expect(splitUpdate(nested, 64)).toBeUndefined();
    // The same client twice: Yjs keeps only the second block; parts would apply both.
    const one = Y.encodeStateAsUpdate(doc);
    const twice = new Uint8Array([2, ...one.subarray(1, one.length - 1), ...one.subarray(1)]);
    expect(splitUpdate(twice, 64)).toBeUndefined();
    // A length past the end of the bytes.
    const binary = [1, 1, 1, 0, 3, 1, 1, 109, 0xff, 0xff, 0xff, 0xff, 0x0f];
    expect(splitUpdate(new Uint8Array([...binary, ...new Uint8Array(100)]), 8)).toBeUndefined();
  });
});
