/** The app's worker pool with fake workers in Node: ids, transfers, failures, replacement, cancel. */
import { describe, expect, it } from 'vitest';
import { PatchtrailError } from '../../src/core/index.ts';
import {
  makeWorkerPool,
  MAX_START_FAILURES,
  WorkerUnavailableError,
  type WorkerPool,
} from '../../src/app/worker-pool.ts';
import { fakeWorkers, untilRequested } from '../helpers/fake-worker.ts';

const echo = (value: unknown) => value as { kind: string; id: number; n?: number };

/** After the first worker failed: the next request runs in a second worker, which answers. */
async function expectSecondWorkerAnswers(pool: WorkerPool, fakes: ReturnType<typeof fakeWorkers>) {
  const next = pool.run((id) => ({ kind: 'x', id }), { read: echo });
  const second = await untilRequested(() => fakes.started[1]);
  second.reply({ kind: 'y', id: second.requests[0]?.message.id, n: 7 });
  expect((await next).n).toBe(7);
  expect({ usable: pool.usable, started: fakes.started.length }).toEqual({
    usable: true,
    started: 2,
  });
}

describe('worker pool', () => {
  it('matches answers to requests by id, in any order, and transfers the buffers', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const first = new ArrayBuffer(8);
    const a = pool.run((id) => ({ kind: 'x', id, first }), { transfer: [first], read: echo });
    const b = pool.run((id) => ({ kind: 'x', id }), { read: echo });
    const worker = await untilRequested(() => fakes.started[0], 2);
    expect(first.byteLength).toBe(0); // moved, not copied
    const [ra, rb] = worker.requests.map((r) => r.message.id);
    worker.reply({ kind: 'y', id: rb, n: 2 });
    worker.reply({ kind: 'y', id: ra, n: 1 });
    expect((await a).n).toBe(1);
    expect((await b).n).toBe(2);
  });

  it("rejects with the worker's serialised error, code intact, and keeps the worker", async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const answer = pool.run((id) => ({ kind: 'x', id }), { read: echo });
    const worker = await untilRequested(() => fakes.started[0]);
    const error = { name: 'PatchtrailError', message: 'bad', code: 'UNSAFE_PATH' };
    worker.reply({ kind: 'error', id: worker.requests[0]?.message.id, error });
    await expect(answer).rejects.toBeInstanceOf(PatchtrailError);
    await expect(answer).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect({ usable: pool.usable, running: pool.running, terminated: worker.terminated }).toEqual({
      usable: true,
      running: 1,
      terminated: false,
    });
  });

  it('replaces a worker that crashes: its requests reject as unavailable, the next runs in a new worker', async () => {
    const fakes = fakeWorkers('hold', 'hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const pending = pool.run((id) => ({ kind: 'x', id }), { read: echo });
    const first = await untilRequested(() => fakes.started[0]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // it said ready: it started
    first.crash();
    await expect(pending).rejects.toBeInstanceOf(WorkerUnavailableError);
    expect(first.terminated).toBe(true);
    await expectSecondWorkerAnswers(pool, fakes);
  });

  it('replaces a worker that sends a malformed message or an unfit answer', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const unfit = pool.run((id) => ({ kind: 'x', id }), {
      read: () => {
        throw new TypeError('not the answer');
      },
    });
    const first = await untilRequested(() => fakes.started[0]);
    first.reply({ kind: 'y', id: first.requests[0]?.message.id });
    await expect(unfit).rejects.toThrow(/unfit answer: not the answer/);
    const malformed = pool.run((id) => ({ kind: 'x', id }), { read: echo });
    const second = await untilRequested(() => fakes.started[1]);
    second.reply('hello');
    await expect(malformed).rejects.toThrow(/malformed message/);
    expect([first.terminated, second.terminated, pool.usable]).toEqual([true, true, true]);
  });

  it(`gives up when ${MAX_START_FAILURES} workers in a row fail before saying ready`, async () => {
    const fakes = fakeWorkers('fail-to-load');
    const pool = makeWorkerPool({ start: fakes.start, size: 2 });
    for (let i = 0; i < MAX_START_FAILURES; i++) {
      const attempt = pool.run((id) => ({ kind: 'x', id }), { read: echo });
      await expect(attempt).rejects.toBeInstanceOf(WorkerUnavailableError);
    }
    expect(pool.usable).toBe(false);
    await expect(pool.run((id) => ({ kind: 'x', id }), { read: echo })).rejects.toThrow(
      /no worker could start/,
    );
    expect(fakes.started).toHaveLength(MAX_START_FAILURES);
  });

  it('takes a worker that says nothing after its start for one that failed to load', async () => {
    const fakes = fakeWorkers('silent', 'hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1, startTimeoutMs: 30 });
    const waiting = pool.run((id) => ({ kind: 'x', id }), { read: echo });
    await expect(waiting).rejects.toBeInstanceOf(WorkerUnavailableError);
    await expect(waiting).rejects.toThrow(/said nothing within 30 ms/);
    expect(fakes.started[0]?.terminated).toBe(true);
    await expectSecondWorkerAnswers(pool, fakes);
  });

  it('keeps a worker that said ready past the start limit, however long a job takes', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1, startTimeoutMs: 30 });
    const job = pool.run((id) => ({ kind: 'x', id }), { read: echo });
    const worker = await untilRequested(() => fakes.started[0], 1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(worker.terminated).toBe(false);
    worker.reply({ kind: 'y', id: worker.requests[0]?.message.id, n: 7 });
    expect((await job).n).toBe(7);
  });

  it('reports a worker that cannot be constructed as unavailable, for good', async () => {
    const pool = makeWorkerPool({
      start: () => {
        throw new Error('Worker is not defined');
      },
    });
    await expect(pool.run((id) => ({ id }), { read: echo })).rejects.toThrow(/could not start/);
    expect(pool.usable).toBe(false);
  });

  it('starts workers up to its size, then shares them out by load', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 2 });
    const runs = Array.from({ length: 5 }, () =>
      pool.run((id) => ({ kind: 'x', id }), { read: echo }).catch((e: unknown) => e),
    );
    expect(fakes.started.map((w) => w.requests.length)).toEqual([3, 2]);
    expect(pool.running).toBe(2);
    pool.close();
    expect(fakes.started.every((w) => w.terminated)).toBe(true);
    for (const run of await Promise.all(runs)) expect(run).toBeInstanceOf(WorkerUnavailableError);
  });

  it('warm starts its workers before any job, and the jobs then run in them', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 3 });
    pool.warm();
    pool.warm(); // never more than its size
    expect(fakes.started).toHaveLength(3);
    expect(fakes.started.every((w) => w.requests.length === 0)).toBe(true);
    const runs = Array.from({ length: 3 }, () =>
      pool.run((id) => ({ kind: 'x', id }), { read: echo }).catch((e: unknown) => e),
    );
    expect(fakes.started).toHaveLength(3);
    expect(fakes.started.map((w) => w.requests.length)).toEqual([1, 1, 1]);
    pool.close();
    await Promise.all(runs);
  });

  it('warm on a pool whose workers cannot be constructed neither throws nor starts one', async () => {
    let tries = 0;
    const pool = makeWorkerPool({
      start: () => {
        tries++;
        throw new Error('Worker is not defined');
      },
      size: 2,
    });
    expect(() => pool.warm()).not.toThrow();
    expect(pool.running).toBe(0);
    await expect(pool.run((id) => ({ id }), { read: echo })).rejects.toThrow(/could not start/);
    expect(pool.usable).toBe(false);
    pool.warm();
    expect(tries).toBe(2);
  });

  it('cancels: rejects at once with an AbortError, tells the worker, drops its late answer', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const controller = new AbortController();
    const answer = pool.run((id) => ({ kind: 'x', id }), {
      read: echo,
      signal: controller.signal,
    });
    const worker = await untilRequested(() => fakes.started[0]);
    controller.abort();
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
    const id = worker.requests[0]?.message.id;
    expect(worker.cancels).toEqual([id]);
    worker.reply({ kind: 'y', id });
    expect(worker.terminated).toBe(false);
    await expect(
      pool.run((i) => ({ i }), { read: echo, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('passes progress events to the requester', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const seen: [number, number][] = [];
    const answer = pool.run((id) => ({ kind: 'x', id }), {
      read: echo,
      onProgress: (done, total) => seen.push([done, total]),
    });
    const worker = await untilRequested(() => fakes.started[0]);
    const id = worker.requests[0]?.message.id;
    worker.reply({ kind: 'progress', id, done: 1, total: 4 });
    worker.reply({ kind: 'progress', id, done: 4, total: 4 });
    worker.reply({ kind: 'y', id });
    await answer;
    expect(seen).toEqual([
      [1, 4],
      [4, 4],
    ]);
  });

  it('hands parts of an answer to the requester, and takes an unfit or unasked part for a broken worker', async () => {
    const fakes = fakeWorkers('hold');
    const pool = makeWorkerPool({ start: fakes.start, size: 1 });
    const parts: unknown[] = [];
    const answer = pool.run((id) => ({ kind: 'x', id }), {
      read: echo,
      onPart: (part) => {
        if ((part as { n?: unknown }).n === 'bad') throw new TypeError('not a part of this job');
        parts.push(part);
      },
    });
    const worker = await untilRequested(() => fakes.started[0]);
    const id = worker.requests[0]?.message.id;
    worker.reply({ kind: 'part', id, n: 1 });
    worker.reply({ kind: 'part', id, n: 2 });
    worker.reply({ kind: 'y', id, n: 3 });
    expect((await answer).n).toBe(3);
    expect(parts).toEqual([
      { kind: 'part', id, n: 1 },
      { kind: 'part', id, n: 2 },
    ]);

    const unfit = pool.run((next) => ({ kind: 'x', id: next }), {
      read: echo,
      onPart: () => {
        throw new TypeError('not a part of this job');
      },
    });
    const again = await untilRequested(() => fakes.started[0], 2);
    again.reply({ kind: 'part', id: again.requests[1]?.message.id, n: 'bad' });
    await expect(unfit).rejects.toBeInstanceOf(WorkerUnavailableError);
    expect(again.terminated).toBe(true);

    // A part for a request that asked for none: the worker is not following the protocol.
    const plain = pool.run((next) => ({ kind: 'x', id: next }), { read: echo });
    const third = await untilRequested(() => fakes.started[1]);
    third.reply({ kind: 'part', id: third.requests[0]?.message.id });
    await expect(plain).rejects.toThrow(/unfit part/);
  });
});
