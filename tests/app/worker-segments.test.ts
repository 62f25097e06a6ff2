/**
 * A ledger store reopened with its segments read in a pool worker (src/app/worker-segments.ts,
 * worker/segments-job.ts), in Node: fake-indexeddb, the real worker loop behind a fake worker.
 * The ledger comes out as a reading on this thread leaves it, whatever the worker does: it
 * answers, crashes after a part, sends parts out of order or of the wrong shape, or finds a
 * segment whose digest no longer matches. A store of few segments is read here.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import {
  readSegmentsWith,
  WORKER_READ_MEASURE,
  type WorkerReadDetail,
} from '../../src/app/worker-segments.ts';
import { ledgerStoreName, openLedgerStore } from '../../src/storage/ledger-store.ts';
import { runReadSegments } from '../../worker/segments-job.ts';
import { NO_CONTEXT } from '../../worker/job-context.ts';
import { fakeWorkers, type FakePoolWorker } from '../helpers/fake-worker.ts';
import {
  alterSignature,
  alterStored,
  appendMany,
  founded,
  ids,
  options,
  rawDb,
} from '../storage/ledger-store-fixture.ts';

/** A store of `count` entries written `batch` at a time: a segment of each batch. */
async function storeOf(count: number, batch: number) {
  const { genesis, signers } = await founded();
  const { options: opts } = options({ batchSize: batch, flushDelayMs: 60_000 });
  const store = await openLedgerStore(genesis, opts);
  for (let done = 0; done < count; done += batch) {
    await appendMany(store.ledger, signers, Math.min(batch, count - done));
    await store.flush();
  }
  const expected = ids(store.ledger);
  await store.close();
  const db = await rawDb(store.ledger.id);
  const segments = await db.count('segments');
  db.close();
  return { ledgerId: store.ledger.id, expected, segments };
}

/** Reopens with the segments read by a pool of the given fake workers; what came of it. */
async function reopen(ledgerId: string, workers = fakeWorkers('answer'), minSegments = 1) {
  const pool = makeWorkerPool({ start: workers.start, size: 1 });
  const progress: [number, number][] = [];
  const { errors, options: opts } = options({
    readSegments: readSegmentsWith(pool, minSegments),
    progress: (done, total) => progress.push([done, total]),
  });
  const store = await openLedgerStore(ledgerId, opts);
  const measure = performance.getEntriesByName(WORKER_READ_MEASURE).at(-1) as
    PerformanceMeasure | undefined;
  performance.clearMeasures(WORKER_READ_MEASURE);
  const result = {
    ids: ids(store.ledger),
    report: store.report,
    progress,
    errors,
    requests: workers.started.flatMap((w) => w.requests.map((r) => r.message.kind)),
    detail: measure?.detail as WorkerReadDetail | undefined,
  };
  await store.close();
  pool.close();
  return result;
}

/** Makes the fake worker do `change` to each `part` it sends, then send it (unless 'drop'). */
function onParts(
  change: (part: Record<string, unknown>, n: number, worker: FakePoolWorker) => 'drop' | undefined,
) {
  const workers = fakeWorkers('answer');
  const start = workers.start;
  workers.start = () => {
    const worker = start();
    const reply = worker.reply.bind(worker);
    let n = 0;
    worker.reply = (data: unknown) => {
      const message = data as Record<string, unknown>;
      if (message.kind === 'part' && change(message, ++n, worker) === 'drop') return;
      reply(data);
    };
    return worker;
  };
  return workers;
}

describe('reopening a ledger store with its segments read in a worker', () => {
  it('restores every entry in order from the parts, all vouched, with no total until the end', async () => {
    const { ledgerId, expected, segments } = await storeOf(120, 8);
    expect(segments).toBeGreaterThanOrEqual(15); // the genesis, then a segment a batch
    const result = await reopen(ledgerId);
    expect(result.ids).toEqual(expected);
    expect(result.report).toMatchObject({ admitted: 120, cached: 120, rejected: [] });
    expect(result.requests).toEqual(['read-segments']);
    expect(result.detail).toEqual({ fromWorker: segments, fellBack: false });
    // 121 stored (the genesis too): no report at 1000; the end says 121 of 121.
    expect(result.progress).toEqual([[121, 121]]); // with the genesis
    expect(result.errors).toEqual([]);
  });

  it('reads what a crashed worker did not send on this thread, after the last segment taken', async () => {
    const { ledgerId, expected, segments } = await storeOf(120, 8);
    // It dies while sending its second part: that part never arrives.
    const workers = onParts((_, n, worker) => {
      if (n !== 2) return undefined;
      worker.crash('killed');
      return 'drop';
    });
    const result = await reopen(ledgerId, workers);
    expect(result.ids).toEqual(expected);
    expect(result.report).toMatchObject({ admitted: 120, cached: 120, rejected: [] });
    expect(result.detail?.fellBack).toBe(true);
    expect(result.detail?.fromWorker).toBe(4); // the first part
    expect(segments).toBeGreaterThan(8);
  });

  it('takes parts out of order or of the wrong shape for a broken worker, and reads the rest here', async () => {
    const { ledgerId, expected } = await storeOf(120, 8);
    const reversed = onParts((part, n) => {
      if (n === 2) (part.rows as unknown[]).reverse();
      return undefined;
    });
    const shuffled = await reopen(ledgerId, reversed);
    expect(shuffled.ids).toEqual(expected);
    expect(shuffled.report.admitted).toBe(120);
    expect(shuffled.detail).toEqual({ fromWorker: 4, fellBack: true }); // the first part only

    for (const spoil of [
      (part: Record<string, unknown>) => (part.intact = ['yes']),
      (part: Record<string, unknown>) => (part.rows = [{ key: 1, packed: 'text' }]),
      (part: Record<string, unknown>) => (part.rows = (part.rows as unknown[]).slice(1)),
    ]) {
      const spoiled = onParts((part) => {
        spoil(part);
        return undefined;
      });
      const result = await reopen(ledgerId, spoiled);
      expect(result.ids).toEqual(expected);
      expect(result.report).toMatchObject({ admitted: 120, rejected: [] });
      expect(result.detail?.fellBack).toBe(true);
    }
  });

  it('checks each segment’s digest in the worker: altered bytes are admitted in full and refused', async () => {
    const reopened = [];
    for (const minSegments of [Infinity, 1]) {
      // The same damage to two stores: one read on this thread, one in the worker.
      const { ledgerId, expected } = await storeOf(120, 8);
      const victim = expected[50] as string;
      await alterStored(ledgerId, victim, alterSignature, false);
      reopened.push({ victim, result: await reopen(ledgerId, fakeWorkers('answer'), minSegments) });
    }
    expect(reopened.map(({ result }) => result.requests)).toEqual([[], ['read-segments']]);
    // The two stores were built alike: both ways vouch for the same segments.
    const [here, there] = reopened.map(({ result }) => result.report);
    expect([there?.cached, there?.admitted, there?.held]).toEqual([
      here?.cached,
      here?.admitted,
      here?.held,
    ]);
    for (const { victim, result } of reopened) {
      expect(result.ids).not.toContain(victim);
      expect(result.report.rejected.map((r) => [r.id, r.code])).toEqual([
        [victim, 'INVALID_SIGNATURE'],
      ]);
      // The segment that held it was checked in full, the rest restored.
      expect(result.report.cached).toBeLessThan(119);
      // What followed it in its author's chain waits for it.
      expect(result.report.admitted + result.report.held).toBe(119);
    }
  });

  it('reads rows whose stored fields are damaged or hostile as this thread would: the worker’s part is refused, the rest read here', async () => {
    const reopened = [];
    for (const minSegments of [Infinity, 1]) {
      const { ledgerId } = await storeOf(120, 8);
      const db = await rawDb(ledgerId);
      const keys = await db.getAllKeys('segments');
      const [, second, third, fourth, fifth] = keys as number[];
      const row = async (key: number) => (await db.get('segments', key)) as Record<string, unknown>;
      // Bytes that are not bytes, a digest missing, absurd counts, prototype keys as fields.
      await db.put('segments', { ...(await row(second as number)), packed: 'not bytes' });
      await db.put('segments', { ...(await row(third as number)), digest: undefined });
      await db.put('segments', { ...(await row(fourth as number)), count: 1e300, rules: -1 });
      const hostile = JSON.parse('{"__proto__": {"polluted": true}, "hasOwnProperty": 1}');
      await db.put('segments', { ...(await row(fifth as number)), ...hostile });
      db.close();
      reopened.push(await reopen(ledgerId, fakeWorkers('answer'), minSegments));
    }
    const [here, there] = reopened;
    expect(there?.requests).toEqual(['read-segments']);
    // The first part holds the damaged second segment: refused whole, everything read here.
    expect(there?.detail).toEqual({ fromWorker: 0, fellBack: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Same outcome either way: the unreadable segment dropped, the others checked in full.
    expect([there?.ids.length, there?.report.admitted, there?.report.cached]).toEqual([
      here?.ids.length,
      here?.report.admitted,
      here?.report.cached,
    ]);
    expect(there?.report.cached).toBeLessThan(120 - 8 * 3);
    expect(there?.errors).toEqual([]);
  });

  it('reads a store of fewer segments than the threshold on this thread', async () => {
    const { ledgerId, expected } = await storeOf(40, 8);
    const result = await reopen(ledgerId, fakeWorkers('answer'), 16);
    expect(result.ids).toEqual(expected);
    expect(result.requests).toEqual([]);
    expect(result.detail).toBeUndefined();
    expect(result.progress).toEqual([[41, 41]]);
  });
});

describe('the segment reading job', () => {
  it('never creates a database that does not exist', async () => {
    const name = ledgerStoreName(`sha256:${'00'.repeat(32)}`);
    const request = {
      kind: 'read-segments',
      id: 1,
      database: name,
      ledger: 'x',
      after: -1,
    } as const;
    await expect(runReadSegments(request, NO_CONTEXT)).rejects.toThrow();
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(name);
  });

  it('sends the segments after a key in parts, in key order, each with its digest verdict', async () => {
    const { ledgerId } = await storeOf(48, 8); // 6 segments
    const parts: { rows: { key?: number }[]; intact: boolean[] }[] = [];
    const context = {
      ...NO_CONTEXT,
      part: (message: unknown) => void parts.push(message as never),
    };
    const request = {
      kind: 'read-segments',
      id: 7,
      database: ledgerStoreName(ledgerId),
      ledger: ledgerId,
      after: 2,
    } as const;
    const answer = await runReadSegments(request, context);
    const keys = parts.flatMap((p) => p.rows.map((r) => r.key));
    expect(keys).toEqual([...keys].sort((a, b) => (a as number) - (b as number)));
    expect(keys.every((k) => (k as number) > 2)).toBe(true);
    expect(answer.message).toEqual({ kind: 'segments-read', id: 7, count: keys.length });
    expect(parts.flatMap((p) => p.intact).every((v) => v)).toBe(true);
    // Under another ledger's id no digest vouches.
    const other: typeof parts = [];
    await runReadSegments(
      { ...request, ledger: `sha256:${'11'.repeat(32)}` },
      { ...NO_CONTEXT, part: (message: unknown) => void other.push(message as never) },
    );
    expect(other.flatMap((p) => p.intact).some((v) => v)).toBe(false);
  });

  it('sends damaged rows as they are, without throwing on them', async () => {
    const { ledgerId, segments } = await storeOf(48, 8);
    const db = await rawDb(ledgerId);
    const [first] = (await db.getAllKeys('segments')) as number[];
    const row = (await db.get('segments', first as number)) as Record<string, unknown>;
    await db.put('segments', { ...row, packed: null, digest: 'not bytes' });
    db.close();
    const parts: { rows: { packed: unknown }[]; intact: boolean[] }[] = [];
    const context = {
      ...NO_CONTEXT,
      part: (message: unknown) => void parts.push(message as never),
    };
    const request = {
      kind: 'read-segments',
      id: 9,
      database: ledgerStoreName(ledgerId),
      ledger: ledgerId,
      after: -1,
    } as const;
    const answer = await runReadSegments(request, context);
    expect(answer.message.count).toBe(segments);
    expect(parts[0]?.rows[0]?.packed).toBeNull();
    expect(parts[0]?.intact[0]).toBe(false);
  });
});
