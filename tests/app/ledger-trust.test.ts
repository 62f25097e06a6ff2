/**
 * The trust scores decisions read, from a pool worker (fake pool workers in Node that run the
 * real worker loop on what postMessage would deliver): the main thread's scores to the bit,
 * one job per state of the ledger shared by its callers, cancelled once every caller that may
 * leave has left, and no answer (so core computes here) below the threshold or when no worker
 * can run it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeLedgerTrust } from '../../src/app/ledger-trust.ts';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import * as rep from '../../src/core/reputation/index.ts';
import { fakeWorkers, untilRequested, type Behaviour } from '../helpers/fake-worker.ts';
import { historyLedger } from '../helpers/history-ledger.ts';
import { day } from '../core/reputation-helpers.ts';
import { makeSeedSigner } from '../../src/core/index.ts';

const { ledger } = await historyLedger();

async function mainThread() {
  const params = rep.defaultReputationParams(rep.reputationClock(ledger));
  const result = rep.computeReputation(rep.reputationInputs(ledger, params), params);
  return { scores: result.scores, scoreHash: result.scoreHash, digest: await ledger.digest() };
}

function service(behaviour: Behaviour, workerEntries = 1) {
  const workers = fakeWorkers(behaviour);
  const pool = makeWorkerPool({ start: workers.start, size: 1 });
  return { workers, trust: makeLedgerTrust(pool, workerEntries) };
}

describe('trust scores for decisions', () => {
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("come from the worker with the main thread's scores and hash, one job for the callers of one state", async () => {
    const { workers, trust } = service('answer');
    const [a, b] = await Promise.all([
      trust()(ledger),
      trust(new AbortController().signal)(ledger),
    ]);
    expect(a).toEqual(await mainThread());
    expect(b).toBe(a);
    expect(workers.started[0]?.requests.map((r) => r.message.kind)).toEqual(['score-history']);
    expect(workers.started[0]?.requests[0]?.message).toMatchObject({
      stops: [ledger.size],
      scores: true,
    });
  });

  it('give no answer below the threshold or without a pool, so the decision computes them here', async () => {
    const { workers, trust } = service('answer', ledger.size + 1);
    expect(await trust()(ledger)).toBeUndefined();
    expect(workers.started.flatMap((w) => w.requests)).toEqual([]);
    expect(await makeLedgerTrust(undefined, 1)()(ledger)).toBeUndefined();
  });

  it('give no answer when no worker can start, or the worker answers wrongly', async () => {
    expect(await service('fail-to-load').trust()(ledger)).toBeUndefined();
    const { workers, trust } = service('hold');
    const answer = trust()(ledger);
    const worker = await untilRequested(() => workers.started[0]);
    const { id } = worker.requests[0]?.message ?? { id: -1 };
    // An answer without the scores asked for: taken for a broken worker, not for scores.
    worker.reply({ kind: 'history-scored', id, points: [{ entries: ledger.size, ppb: 0 }] });
    expect(await answer).toBeUndefined();
    expect(worker.terminated).toBe(true);
  });

  it('are cancelled once every caller that may leave has left, and kept by one that may not', async () => {
    const { workers, trust } = service('hold');
    const [one, two] = [new AbortController(), new AbortController()];
    const first = trust(one.signal)(ledger);
    const worker = await untilRequested(() => workers.started[0]);
    const second = trust(two.signal)(ledger);
    one.abort();
    expect(worker.cancels).toEqual([]);
    two.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(worker.cancels).toEqual([worker.requests[0]?.message.id]);
    // Asked again: a new job; a caller without a signal keeps it when the others leave.
    const leaving = new AbortController();
    const kept = trust()(ledger);
    void trust(leaving.signal)(ledger).catch(() => undefined);
    leaving.abort();
    await untilRequested(() => worker, 2);
    await worker.answer(1);
    expect(await kept).toEqual(await mainThread());
    expect(worker.cancels).toHaveLength(1);
  });

  it('start a new job for a new state of the ledger, with its own scores', async () => {
    const { ledger: grown } = await historyLedger();
    const { workers, trust } = service('answer');
    const before = await trust()(grown);
    const fresh = await makeSeedSigner(new Uint8Array(32).fill(77));
    await grown.append(fresh, 'register', { name: 'late' }, day(40));
    const after = await trust()(grown);
    expect(workers.started[0]?.requests).toHaveLength(2);
    expect(after?.scoreHash).not.toBe(before?.scoreHash);
    expect(after?.scores.has(fresh.did)).toBe(true);
    expect(after?.digest).toBe(await grown.digest());
    expect(after?.digest).not.toBe(before?.digest);
  });
});
