/**
 * The Yjs binding's large changes (a fresh peer's first sync, a flood): with `admitMany` they go
 * through it in one call, in admission order (each author's entries in sequence, after the
 * registration that lets them in), so nothing waits in holding to be released in one long run;
 * and the outcome is the one the value-by-value path gives: the same verified ledger, the same
 * map, junk removed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  Ledger,
  makeSeedSigner,
  utf8Encode,
  type AdmitResult,
  type Entry,
  type Signer,
} from '../../src/core/index.ts';
import { MAX_HELD_PER_UNKNOWN_AUTHOR } from '../../src/core/ledger/limits.ts';
import {
  bindLedgerDoc,
  ENTRIES_MAP,
  inAdmissionOrder,
  MANY,
  SEED_SLICE,
  SEED_TASK_MS,
  type LedgerDocOptions,
} from '../../src/sync/ledger-doc.ts';
import { splitUpdate } from '../../src/sync/update-parts.ts';
import { applyParts, makeDelivery, syncMessage, syncUpdateOf } from '../../src/sync/delivery.ts';

const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const at = (second: number) =>
  new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + second * 1000).toISOString().replace('.000Z', 'Z');
const PATCH = `sha256:${'ab'.repeat(32)}`;

/** A ledger of `members` registered authors writing `each` entries, interleaved in time. */
async function source(members: number, each: number) {
  const admin = await signer(1);
  const ledger = await Ledger.found(
    admin,
    { name: 'many', admins: [admin.did], threshold: 1 },
    at(0),
  );
  const authors = await Promise.all(Array.from({ length: members }, (_, i) => signer(10 + i)));
  let second = 1;
  for (const author of authors)
    await ledger.append(author, 'register', { name: `m${second}` }, at(second++));
  for (let n = 0; n < each; n++)
    for (const author of authors)
      await ledger.append(
        author,
        'attest',
        { patch: PATCH, reason: 'built', score: n },
        at(second++),
      );
  return ledger;
}

interface Target {
  ledger: Ledger;
  doc: Y.Doc;
  errors: unknown[];
  settled: () => Promise<void>;
}

/** A fresh copy of `from`'s ledger (its genesis only), bound to a doc with `options`. */
async function target(from: Ledger, options: LedgerDocOptions = {}): Promise<Target> {
  const ledger = await Ledger.open(from.genesis.bytes);
  const doc = new Y.Doc();
  const errors: unknown[] = [];
  const binding = bindLedgerDoc(doc, ledger, { ...options, onError: (e) => errors.push(e) });
  return { ledger, doc, errors, settled: () => binding.settled() };
}

/** What a peer sends: every entry of `from` (reversed, the worst order) and some junk. */
function update(from: Ledger, junk = 0): Uint8Array {
  const doc = new Y.Doc();
  const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
  doc.transact(() => {
    for (const entry of [...from.all()].reverse()) map.set(entry.id, entry.bytes);
    for (let i = 0; i < junk; i++) map.set(`junk-${i}`, utf8Encode(`{"junk":${i}}`));
    map.set('__proto__', utf8Encode('{"seq":0,"time":"2026-11-22T09:00:00Z"}'));
  });
  return Y.encodeStateAsUpdate(doc);
}

/** An `admitMany` that admits in order on `ledger`, recording the order and the held count. */
function recording(ledger: () => Ledger) {
  const calls: number[] = [];
  const order: Entry[] = [];
  let heldMost = 0;
  const admitMany: NonNullable<LedgerDocOptions['admitMany']> = async (values, onResult) => {
    calls.push(values.length);
    for (const [i, { bytes, key }] of values.entries()) {
      const result: AdmitResult = await ledger().admit(bytes, { key });
      const entry = ledger().get(key);
      if (entry !== undefined && result.status === 'admitted') order.push(entry);
      heldMost = Math.max(heldMost, ledger().heldCount);
      onResult(i, result);
    }
  };
  return { calls, order, admitMany, heldMost: () => heldMost };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

async function outcome(t: Target) {
  await t.settled();
  const map = t.doc.getMap<Uint8Array>(ENTRIES_MAP);
  return { digest: await t.ledger.digest(), size: t.ledger.size, keys: [...map.keys()].sort() };
}

describe('a large change through admitMany', () => {
  it('admits in each author’s order, holds nothing, and ends as the value-by-value path does', async () => {
    const from = await source(4, 30);
    const sent = update(from, 40);
    const rec = recording(() => many.ledger);
    const many = await target(from, { admitMany: rec.admitMany });
    const one = await target(from);
    Y.applyUpdate(many.doc, sent);
    Y.applyUpdate(one.doc, sent);
    const [got, reference] = await Promise.all([outcome(many), outcome(one)]);

    expect(rec.calls).toEqual([from.size - 1 + 40 + 1]); // all but the genesis, junk included
    expect(rec.heldMost()).toBe(0);
    const seqs = new Map<string, number>();
    for (const entry of rec.order) {
      expect(entry.seq).toBe((seqs.get(entry.author) ?? -1) + 1);
      seqs.set(entry.author, entry.seq);
    }
    expect(got.digest).toBe(await from.digest());
    expect(got).toEqual(reference);
    expect(got.keys).toEqual([...from.all()].map((e) => e.id).sort());
    expect(many.errors).toEqual([]);
  }, 30_000);

  it('falls back to value by value when the batch fails, and loses nothing', async () => {
    const from = await source(3, 30);
    let admitted = 0;
    const failing = await target(from, {
      admitMany: async (values, onResult) => {
        for (const [i, { bytes, key }] of values.entries()) {
          if (admitted++ === 50) throw new Error('the pool broke mid-batch');
          onResult(i, await failing.ledger.admit(bytes, { key }));
        }
      },
    });
    const one = await target(from);
    const sent = update(from, 10);
    Y.applyUpdate(failing.doc, sent);
    Y.applyUpdate(one.doc, sent);
    const [got, reference] = await Promise.all([outcome(failing), outcome(one)]);
    expect(got).toEqual(reference);
    expect(got.size).toBe(from.size);
    expect(failing.errors.map(String)).toEqual(['Error: the pool broke mid-batch']);
  }, 30_000);

  it(`without admitMany too, keeps a large change whole: authors with more than ${MAX_HELD_PER_UNKNOWN_AUTHOR} entries sent backwards`, async () => {
    const from = await source(2, MAX_HELD_PER_UNKNOWN_AUTHOR + 8);
    const alone = await target(from);
    Y.applyUpdate(alone.doc, update(from, 5));
    const got = await outcome(alone);
    expect(got.size).toBe(from.size);
    expect(got.digest).toBe(await from.digest());
    expect(got.keys).toEqual([...from.all()].map((e) => e.id).sort());
  }, 30_000);

  it('admits an update the transport applies in parts as one change, after its last part', async () => {
    const from = await source(2, MAX_HELD_PER_UNKNOWN_AUTHOR + 8);
    const sent = update(from, 5);
    const partBytes = 4096;
    const parts = splitUpdate(sent, partBytes);
    expect(parts?.length).toBeGreaterThan(10);
    const rec = recording(() => split.ledger);
    const split = await target(from, { admitMany: rec.admitMany });
    const whole = await target(from);
    Y.applyUpdate(whole.doc, sent);
    // As y-webrtc sends a whole state: a sync message (0), step 2 (1), the update.
    const message = syncMessage(1, sent);
    const handed: Uint8Array[] = [];
    const deliver = makeDelivery(split.doc, (m) => handed.push(m), {
      partBytes,
      turn: () => new Promise((done) => setTimeout(done, 0)),
    });
    deliver(message);
    deliver(new Uint8Array([1, 2, 3])); // a later message from the same peer waits its turn
    expect(handed).toEqual([]);
    await until(() => handed.length === 2);
    expect(syncUpdateOf(handed[0] as Uint8Array)).toEqual({
      type: 1,
      update: new Uint8Array([0, 0]),
    });
    expect(handed[1]).toEqual(new Uint8Array([1, 2, 3]));
    const [got, reference] = await Promise.all([outcome(split), outcome(whole)]);
    expect(rec.calls).toEqual([from.size - 1 + 5 + 1]);
    expect(rec.heldMost()).toBe(0);
    expect(got).toEqual(reference);
    expect(got.size).toBe(from.size);
  }, 30_000);

  // Yjs applies an update inside a transaction even when it cannot read it, so the last part's
  // origin still reaches the binding and releases what the earlier parts gathered.
  it('admits what the earlier parts brought when the last part cannot be applied', async () => {
    const from = await source(2, 40);
    // In the ledger's own order, so the earlier parts hold registrations and what follows them.
    const sender = new Y.Doc();
    const map = sender.getMap<Uint8Array>(ENTRIES_MAP);
    sender.transact(() => {
      for (const entry of from.all()) map.set(entry.id, entry.bytes);
    });
    const parts = splitUpdate(Y.encodeStateAsUpdate(sender), 4096);
    expect(parts?.length).toBeGreaterThan(2);
    const t = await target(from);
    const errors: unknown[] = [];
    const quiet = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      // Every part but the last as sent; in its place, bytes Yjs cannot read.
      const count = (parts as Uint8Array[]).length;
      await applyParts(
        t.doc,
        {
          count,
          part: (i) =>
            (i < count - 1 ? (parts as Uint8Array[])[i] : new Uint8Array([9, 255])) as Uint8Array,
        },
        { turn: () => Promise.resolve() },
      );
    } finally {
      console.error = quiet;
    }
    expect(errors).toHaveLength(1); // the broken part, reported
    await t.settled();
    // What the earlier parts wrote went through the validator, not left gathered for ever.
    const inDoc = [...t.doc.getMap<Uint8Array>(ENTRIES_MAP).keys()].filter((k) =>
      k.startsWith('sha256:'),
    );
    expect(inDoc.length).toBeGreaterThan(1);
    const held = new Set(t.ledger.held().map((h) => h.entry.id));
    for (const id of inDoc) expect(t.ledger.get(id) !== undefined || held.has(id)).toBe(true);
    expect(t.ledger.size).toBeGreaterThan(1);
  });

  it(`leaves changes of fewer than ${MANY} values to the value-by-value path`, async () => {
    const from = await source(2, 10);
    const rec = recording(() => small.ledger);
    const small = await target(from, { admitMany: rec.admitMany });
    Y.applyUpdate(small.doc, update(from));
    const got = await outcome(small);
    expect(from.size - 1 + 1).toBeLessThan(MANY);
    expect(rec.calls).toEqual([]);
    expect(got.digest).toBe(await from.digest());
  });
});

describe('seeding the map from the store', () => {
  it(`writes ${SEED_SLICE} entries at once and the rest a slice per task`, async () => {
    const from = await source(5, Math.ceil((SEED_SLICE + 500) / 5));
    const doc = new Y.Doc();
    const writes: number[] = [];
    doc.on('afterTransaction', (t: Y.Transaction) =>
      writes.push([...t.changed.values()].reduce((n, keys) => n + keys.size, 0)),
    );
    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    const binding = bindLedgerDoc(doc, from);
    expect(map.size).toBe(SEED_SLICE);
    await binding.settled();
    expect(map.size).toBe(from.size);
    // Then slices of at most SEED_SLICE, a transaction each.
    expect(writes.length).toBeGreaterThanOrEqual(Math.ceil(from.size / SEED_SLICE));
    expect(writes.every((n) => n <= SEED_SLICE)).toBe(true);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(from.size);
    for (const entry of from.all()) expect(map.get(entry.id)).toEqual(entry.bytes);
    binding.destroy();
  }, 60_000);
});

describe('seeding the map, sized by cost', () => {
  it('takes fewer entries per transaction when the doc costs more to write', async () => {
    const from = await source(5, Math.ceil((SEED_SLICE * 3) / 5));
    const doc = new Y.Doc();
    const writes: number[] = [];
    doc.on('afterTransaction', (t: Y.Transaction) =>
      writes.push([...t.changed.values()].reduce((n, keys) => n + keys.size, 0)),
    );
    // A listener that makes every transaction cost 4 × SEED_TASK_MS, whatever its size.
    doc.on('update', () => {
      const until = performance.now() + 4 * SEED_TASK_MS;
      while (performance.now() < until);
    });
    const binding = bindLedgerDoc(doc, from);
    await binding.settled();
    expect(writes[0]).toBe(SEED_SLICE);
    expect(writes[1]).toBeLessThanOrEqual(SEED_SLICE / 4);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(from.size);
    binding.destroy();
  }, 60_000);
});

describe('inAdmissionOrder', () => {
  it('puts any shuffle of a ledger back in each author’s order', async () => {
    const from = await source(3, 8);
    const entries = [...from.all()];
    fc.assert(
      fc.property(fc.shuffledSubarray(entries, { minLength: entries.length }), (shuffled) => {
        const ordered = inAdmissionOrder(shuffled);
        expect(ordered.map((e) => e.id)).toEqual(entries.map((e) => e.id));
      }),
      { numRuns: 50 },
    );
  });

  it('orders any bytes without throwing and returns the same values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 600 }),
            fc
              .tuple(fc.string(), fc.integer(), fc.string({ maxLength: 30 }))
              .map(([body, seq, time]) =>
                utf8Encode(`{"body":{"seq":${seq}},"seq":${body.length}${seq},"time":"${time}"}`),
              ),
            fc.constant(utf8Encode('{"seq":1e999,"time":"')),
            fc.constant(utf8Encode(`{"seq":${'9'.repeat(400)}}`)),
          ),
          { maxLength: 40 },
        ),
        (values) => {
          const input = values.map((bytes, i) => ({ bytes, i }));
          const ordered = inAdmissionOrder(input);
          expect(ordered.map((v) => v.i).sort((a, b) => a - b)).toEqual(input.map((v) => v.i));
        },
      ),
    );
  });
});
