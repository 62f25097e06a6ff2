/**
 * Ledger admission in batches on the worker pool, with fake pool workers running the real
 * admission check in Node: the ledger ends as admitting one by one leaves it, signatures are
 * checked in the workers, and a failed worker's batch is checked in full on the main thread.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { admitInBatches, type EntryInput } from '../../src/app/worker-admission.ts';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import type { Entry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { makeSeedSigner } from '../../src/core/crypto/signer.ts';
import { concatBytes } from '../../src/core/encoding/bytes.ts';
import { ENTRY_DOMAIN } from '../../src/core/ledger/entry.ts';
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
    expect(fakes.started.map((w) => w.requests.length)).toEqual([3, 2]);
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
    });
    const report = await admitting;
    expect(report.checkedInWorkers).toBe(0);
    expect(report.rejected.map((r) => [r.index, r.code])).toEqual([[3, 'INVALID_SIGNATURE']]);
    expect(worker.terminated).toBe(true);
  });

  it('refuses an entry signed over a non-canonical text, which the worker alone would pass', async () => {
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
    expect(report.checkedInWorkers).toBe(1); // its signature verifies over those bytes...
    expect(report.rejected.map((r) => r.code)).toEqual(['MALFORMED_INPUT']); // ...they are not an entry
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
});
