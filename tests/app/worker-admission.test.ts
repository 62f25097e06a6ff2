/**
 * Ledger admission in batches on the worker pool, with fake pool workers running the real
 * admission check in Node: the ledger ends as admitting one by one leaves it, signatures are
 * checked in the workers, and a failed worker's batch is checked in full on the main thread.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  admitInBatches,
  bindingAdmission,
  type EntryInput,
} from '../../src/app/worker-admission.ts';
import { bindLedgerDoc, ENTRIES_MAP } from '../../src/sync/ledger-doc.ts';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import type { Entry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { makeSeedSigner } from '../../src/core/crypto/signer.ts';
import { concatBytes } from '../../src/core/encoding/bytes.ts';
import { ENTRY_DOMAIN } from '../../src/core/ledger/entry.ts';
import { MAX_PROOF_ENTRY_BYTES } from '../../src/core/ledger/limits.ts';
import { buildEntries } from '../bench/ledger-measure.ts';
import { fakeWorkers, untilRequested } from '../helpers/fake-worker.ts';

let genesis: Uint8Array;
let entries: Entry[];

beforeAll(async () => {
  ({ genesis, entries } = await buildEntries(300, 7));
});

const inputs = (list: readonly Entry[]): EntryInput[] =>
  list.map((e) => ({ bytes: e.bytes.slice(), key: e.id }));

/** The entry with one bit of its signature flipped (its id, the content hash, is unchanged). */
function forged(entry: Entry): Uint8Array {
  const text = new TextDecoder().decode(entry.bytes);
  const sig = /"sig":"([^"]+)"/.exec(text)?.[1] as string;
  const raw = Buffer.from(sig, 'base64');
  raw[5] = (raw[5] as number) ^ 1;
  return new TextEncoder().encode(text.replace(sig, raw.toString('base64')));
}

async function oneByOne(list: readonly EntryInput[]): Promise<Ledger> {
  const ledger = await Ledger.open(genesis);
  for (const e of list) await ledger.admit(e.bytes, e.key === undefined ? {} : { key: e.key });
  return ledger;
}

const logOf = (ledger: Ledger) => [...ledger.all()].map((e) => e.id);

describe('admission in batches on the pool', () => {
  it('admits in the given order with every signature checked in the workers', async () => {
    const fakes = fakeWorkers('answer');
    const pool = makeWorkerPool({ start: fakes.start, size: 2 });
    const ledger = await Ledger.open(genesis);
    const progress: number[] = [];
    const report = await admitInBatches(ledger, inputs(entries), pool, {
      batchSize: 64,
      onProgress: (done) => progress.push(done),
    });
    expect(report.counts).toEqual({ admitted: 299, duplicate: 0, held: 0, rejected: 0 });
    expect(report.checkedInWorkers).toBe(299);
    expect(logOf(ledger)).toEqual(logOf(await oneByOne(inputs(entries))));
    // Five batches over both workers; which takes more depends on which answers first.
    const perWorker = fakes.started.map((w) => w.requests.length);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(5);
    expect(perWorker.every((n) => n >= 1)).toBe(true);
    expect(progress).toEqual([64, 128, 192, 256, 299]);
  });

  it('keeps admission order when the batches come back out of order', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 2 });
    const ledger = await Ledger.open(genesis);
    const admitting = admitInBatches(ledger, inputs(entries.slice(0, 100)), pool, {
      batchSize: 50,
    });
    await untilRequested(() => fakes.started[1]);
    await fakes.started[1]?.answer(0); // the second batch first
    await fakes.started[0]?.answer(0);
    const report = await admitting;
    expect(report.counts.held).toBe(0);
    expect(logOf(ledger)).toEqual(logOf(await oneByOne(inputs(entries.slice(0, 100)))));
  });

  it('gives a worker its next batch as soon as it answers, while admission waits on another', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 2 });
    const ledger = await Ledger.open(genesis);
    const admitting = admitInBatches(ledger, inputs(entries.slice(0, 120)), pool, {
      batchSize: 30,
      ahead: 2,
    });
    const second = await untilRequested(() => fakes.started[1]);
    await second.answer(0); // batch 1 back while admission still waits on batch 0
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(second.requests).toHaveLength(2);
    expect(fakes.started[0]?.requests).toHaveLength(1);
    await fakes.started[0]?.answer(0);
    await untilRequested(() => fakes.started[0], 2);
    for (const worker of fakes.started)
      for (let i = 1; i < worker.requests.length; i++) await worker.answer(i);
    const report = await admitting;
    expect(report.checkedInWorkers).toBe(120);
    expect(logOf(ledger)).toEqual(logOf(await oneByOne(inputs(entries.slice(0, 120)))));
  });

  it('rejects a forged signature on the main thread with its code and index', async () => {
    const pool = makeWorkerPool({ start: fakeWorkers('answer').start, size: 2 });
    const list = inputs(entries.slice(0, 40));
    list[30] = { bytes: forged(entries[30] as Entry), key: entries[30]?.id as string };
    const ledger = await Ledger.open(genesis);
    const report = await admitInBatches(ledger, list, pool, { batchSize: 16 });
    expect(report.rejected).toEqual([
      { index: 30, code: 'INVALID_SIGNATURE', message: expect.stringContaining('signature') },
    ]);
    expect(report.checkedInWorkers).toBe(39);
    expect(ledger.quarantined().map((q) => q.code)).toEqual(['INVALID_SIGNATURE']);
  });

  it('never copies a value larger than any entry to a worker: refused TOO_LARGE, its first bytes kept', async () => {
    const fakes = fakeWorkers('answer');
    const pool = makeWorkerPool({ start: fakes.start, size: 2 });
    const list = inputs(entries.slice(0, 40));
    const huge = new Uint8Array(MAX_PROOF_ENTRY_BYTES + 1).fill(0x7b);
    for (const i of [3, 17, 18])
      list[i] = { bytes: huge, key: `sha256:${String(i).repeat(64).slice(0, 64)}` };
    const ledger = await Ledger.open(genesis);
    const report = await admitInBatches(ledger, list, pool, { batchSize: 16 });
    expect(report.rejected.map(({ index, code }) => [index, code])).toEqual([
      [3, 'TOO_LARGE'],
      [17, 'TOO_LARGE'],
      [18, 'TOO_LARGE'],
    ]);
    // Every batch went to a worker, without the large values.
    const sent = fakes.started
      .flatMap((w) => w.requests)
      .filter((r) => r.message.kind === 'admit-check');
    expect(sent.length).toBe(3);
    for (const r of sent) expect(r.transferredBytes).toBeLessThan(16 * 4096);
    expect(report.checkedInWorkers).toBe(37);
    expect(ledger.quarantined().map((q) => [q.code, q.bytes[0]])).toEqual([
      ['TOO_LARGE', 0x7b],
      ['TOO_LARGE', 0x7b],
      ['TOO_LARGE', 0x7b],
    ]);
  });

  it('refuses an answer that is not about the batch sent, and checks that batch in full', async () => {
    const fakes = fakeWorkers('hold', 'answer');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const list = inputs(entries.slice(0, 10));
    list[3] = { bytes: forged(entries[3] as Entry), key: entries[3]?.id as string };
    const ledger = await Ledger.open(genesis);
    const admitting = admitInBatches(ledger, list, pool, { batchSize: 10 });
    const worker = await untilRequested(() => fakes.started[0]);
    const { id, bytes, ends } = worker.requests[0]?.message as unknown as {
      id: number;
      bytes: ArrayBuffer;
      ends: Uint32Array;
    };
    // Every verdict "verified", but for a batch cut differently: not about what was sent.
    const cut = ends.map((end, i) => (i === 0 ? end - 1 : end));
    const ids = new Uint8Array(320);
    worker.reply({
      kind: 'admit-checked',
      id,
      bytes,
      ends: cut,
      verdicts: new Uint8Array(10).fill(1),
      ids,
      digests: new Uint8Array(320),
    });
    const report = await admitting;
    expect(report.checkedInWorkers).toBe(0);
    expect(report.rejected.map((r) => [r.index, r.code])).toEqual([[3, 'INVALID_SIGNATURE']]);
    expect(worker.terminated).toBe(true);
  });

  it('refuses an entry signed over a non-canonical text, in the worker and on the main thread', async () => {
    const pool = makeWorkerPool({ start: fakeWorkers('answer').start, size: 1 });
    const stranger = await makeSeedSigner(new Uint8Array(32).fill(5));
    const ledger = await Ledger.open(genesis);
    const fields = {
      v: 1,
      ledger: ledger.id,
      author: stranger.did,
      seq: 0,
      prev: null,
      refs: [],
      time: '2026-11-22T09:00:00Z',
      kind: 'register',
      body: { name: 'x' },
    };
    // Members out of order, and signed that way by its own author.
    const text = JSON.stringify({
      author: fields.author,
      v: 1,
      body: fields.body,
      kind: fields.kind,
      ledger: fields.ledger,
      prev: null,
      refs: [],
      seq: 0,
      time: fields.time,
    });
    const signature = await stranger.sign(
      concatBytes(ENTRY_DOMAIN, new TextEncoder().encode(text)),
    );
    const bytes = new TextEncoder().encode(
      `${text.slice(0, -1)},"sig":"${Buffer.from(signature).toString('base64')}"}`,
    );
    const report = await admitInBatches(ledger, [{ bytes }], pool);
    // Its signature verifies over those bytes, but read in full they are not an entry: the
    // worker gives no receipt, and the main thread gives the reason.
    expect(report.checkedInWorkers).toBe(0);
    expect(report.rejected.map((r) => r.code)).toEqual(['MALFORMED_INPUT']);
    expect(ledger.size).toBe(1);
  });

  it("checks a crashed worker's batch on the main thread, and the next batch in a new worker", async () => {
    const fakes = fakeWorkers('crash', 'answer');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const ledger = await Ledger.open(genesis);
    const report = await admitInBatches(ledger, inputs(entries.slice(0, 60)), pool, {
      batchSize: 30,
      ahead: 1,
    });
    expect(report.counts.admitted).toBe(60);
    expect(report.checkedInWorkers).toBe(30);
    expect(fakes.started).toHaveLength(2);
  });

  it('admits on the main thread when no worker can start, with the same result', async () => {
    const pool = makeWorkerPool({
      start: () => {
        throw new Error('no workers here');
      },
    });
    const ledger = await Ledger.open(genesis);
    const report = await admitInBatches(ledger, inputs(entries), pool);
    expect({ ...report.counts, inWorkers: report.checkedInWorkers }).toMatchObject({
      admitted: 299,
      inWorkers: 0,
    });
    expect(logOf(ledger)).toEqual(logOf(await oneByOne(inputs(entries))));
  });

  it('stops between batches when cancelled; what was admitted stays', async () => {
    const pool = makeWorkerPool({ start: fakeWorkers('answer').start, size: 1 });
    const controller = new AbortController();
    const ledger = await Ledger.open(genesis);
    const admitting = admitInBatches(ledger, inputs(entries), pool, {
      batchSize: 50,
      onProgress: (done) => {
        if (done === 100) controller.abort();
      },
      signal: controller.signal,
    });
    await expect(admitting).rejects.toMatchObject({ name: 'AbortError' });
    expect(ledger.size).toBe(101); // genesis and two batches
  });

  it('accepts and rejects exactly what admitting one by one does, on hostile input (property)', async () => {
    const sound = inputs(entries.slice(0, 48));
    const move = fc.oneof(
      fc.nat().map((i) => ({ forge: i })),
      fc.tuple(fc.nat(), fc.nat()).map((swap) => ({ swap })),
      fc.tuple(fc.nat(), fc.nat()).map((repeat) => ({ repeat })),
      fc.nat().map((i) => ({ proto: i })),
      fc.nat().map((i) => ({ rekey: i })),
      fc.nat().map((i) => ({ garbage: i })),
    );
    const protoKeyed = (bytes: Uint8Array) =>
      new TextEncoder().encode(
        new TextDecoder().decode(bytes).replace(/^\{/, '{"__proto__":{"admin":true},'),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.array(move, { maxLength: 6 }),
        fc.nat({ max: 20 }),
        async (moves, cut) => {
          const list = sound.map((e) => ({ ...e }));
          const at = (i: number) => i % list.length;
          for (const m of moves) {
            if ('forge' in m) {
              const e = list[at(m.forge)] as EntryInput;
              const entry = entries.find((x) => x.id === e.key);
              if (entry !== undefined) e.bytes = forged(entry);
            } else if ('swap' in m) {
              const [a, b] = [at(m.swap[0]), at(m.swap[1])];
              [list[a], list[b]] = [list[b] as EntryInput, list[a] as EntryInput];
            } else if ('repeat' in m)
              list.splice(at(m.repeat[1]), 0, { ...(list[at(m.repeat[0])] as EntryInput) });
            else if ('proto' in m) {
              const e = list[at(m.proto)] as EntryInput;
              list.splice(at(m.proto), 0, { bytes: protoKeyed(e.bytes) });
            } else if ('rekey' in m)
              (list[at(m.rekey)] as EntryInput).key = `sha256:${'0'.repeat(64)}`;
            else list.splice(at(m.garbage), 0, { bytes: new TextEncoder().encode('{"v":1}') });
          }
          const pool = makeWorkerPool({ start: fakeWorkers('answer').start, size: 2 });
          const ledger = await Ledger.open(genesis);
          const report = await admitInBatches(ledger, list, pool, { batchSize: 1 + cut });
          const reference = await Ledger.open(genesis);
          const codes: [number, string][] = [];
          for (const [index, e] of list.entries()) {
            const result = await reference.admit(
              e.bytes,
              e.key === undefined ? {} : { key: e.key },
            );
            if (result.status === 'rejected') codes.push([index, result.code ?? '']);
          }
          expect(report.rejected.map((r): [number, string] => [r.index, r.code])).toEqual(codes);
          expect(logOf(ledger)).toEqual(logOf(reference));
          expect(ledger.heldCount).toBe(reference.heldCount);
        },
      ),
      { numRuns: 40, seed: 1206 },
    );
  }, 120_000);
});

describe('a Yjs doc bound with the pool (bindingAdmission)', () => {
  /** A peer's update with `list` under their ids (reversed), and a signature forged on one. */
  const update = (list: readonly Entry[]) => {
    const doc = new Y.Doc();
    const map = doc.getMap<Uint8Array>(ENTRIES_MAP);
    doc.transact(() => {
      for (const entry of [...list].reverse()) map.set(entry.id, entry.bytes);
      const victim = list.at(-1) as Entry;
      map.set(victim.id, forged(victim));
      map.set('constructor', new Uint8Array([0x7b, 0x7d]));
    });
    return Y.encodeStateAsUpdate(doc);
  };

  const bound = async (pool?: ReturnType<typeof makeWorkerPool>) => {
    const ledger = await Ledger.open(genesis);
    const doc = new Y.Doc();
    const binding = bindLedgerDoc(doc, ledger, bindingAdmission(ledger, pool));
    return { ledger, doc, binding };
  };

  it('checks a first sync in the workers, in each author’s order, and keeps every valid entry', async () => {
    const fakes = fakeWorkers('answer');
    const pool = makeWorkerPool({ start: fakes.start, size: 2 });
    const side = await bound(pool);
    expect(fakes.started).toHaveLength(2); // warmed when bound, before anything arrived
    Y.applyUpdate(side.doc, update(entries));
    await side.binding.settled();
    const checked = fakes.started
      .flatMap((w) => w.requests)
      .filter((r) => r.message.kind === 'admit-check');
    expect(checked.length).toBeGreaterThan(0);
    // Reversed, 300 entries by 7 authors would overflow holding if admitted as they came; in
    // admission order every valid one is kept: the ledger is the one admitting them in order.
    const reference = await oneByOne(inputs(entries.slice(0, -1)));
    expect(await side.ledger.digest()).toBe(await reference.digest());
    expect(side.ledger.heldCount).toBe(0);
    // The forged value and the junk are gone from the map; the rest is the verified ledger.
    const keys = [...side.doc.getMap(ENTRIES_MAP).keys()].sort();
    expect(keys).toEqual([...reference.all()].map((e) => e.id).sort());
    pool.close();
  }, 30_000);

  it('runs a large change as busy work under a label, with progress that ends', async () => {
    const pool = makeWorkerPool({ start: fakeWorkers('answer').start, size: 2 });
    const ledger = await Ledger.open(genesis);
    const labels: string[] = [];
    let running = false;
    const seen: ({ done: number; total: number } | undefined)[] = [];
    const doc = new Y.Doc();
    const binding = bindLedgerDoc(
      doc,
      ledger,
      bindingAdmission(ledger, pool, {
        busy: async (label, work) => {
          labels.push(label);
          running = true;
          try {
            return await work();
          } finally {
            running = false;
          }
        },
        onProgress: (progress) => {
          expect(running).toBe(true); // reported only from inside the busy work
          seen.push(progress);
        },
      }),
    );
    Y.applyUpdate(doc, update(entries));
    await binding.settled();
    const total = entries.length + 1; // every entry, the forged one under its id, the junk
    expect(labels).toEqual([`checking ${total} entries from peers`]);
    expect(seen[0]).toEqual({ done: 0, total });
    expect(seen.at(-2)).toEqual({ done: total, total });
    expect(seen.at(-1)).toBeUndefined();
    const done = seen.slice(0, -1).map((p) => p?.done ?? -1);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    pool.close();
  }, 30_000);
});
