/**
 * The Reputation screen's service with fake pool workers in Node (they run the real worker
 * loop on what postMessage would deliver): the history and the list come from the worker when
 * one runs and from the main thread when none can start or one misbehaves, with the same bits
 * either way; a history asked for another system cancels the one still running.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scoreHistory } from '../../src/app/reputation-history.ts';
import { makeReputation, type HistoryPoint } from '../../src/app/reputation-service.ts';
import { historyPoints } from '../../src/app/reputation-rows.ts';
import { makeTrustScorer } from '../../src/app/trust-scores.ts';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import { historyLedger } from '../helpers/history-ledger.ts';
import { day, patch, signer } from '../core/reputation-helpers.ts';
import type { Penalty } from '../../src/core/reputation/types.ts';
import { fakeWorkers, untilRequested, type Behaviour } from '../helpers/fake-worker.ts';

const { ledger, dids } = await historyLedger();
const sortedPenalties = (list: Penalty[]) => list.map((p) => JSON.stringify(p)).sort();
const [first, second] = dids as [string, string];
const noWorker = () => {
  throw new Error('no workers here');
};
/** The main thread's answers, for comparison. */
const mainThread = makeReputation(
  makeTrustScorer({ startWorker: noWorker }),
  makeWorkerPool({ start: noWorker }),
);
const expectedHistory = (did: string): Promise<HistoryPoint[]> =>
  scoreHistory(
    ledger,
    did,
    historyPoints(ledger.size, 12),
    makeTrustScorer({ startWorker: noWorker }),
  );

function service(...behaviours: Behaviour[]) {
  const workers = fakeWorkers(...behaviours);
  const pool = makeWorkerPool({ start: workers.start, size: 1 });
  const reputation = makeReputation(makeTrustScorer({ startWorker: noWorker }), pool, {
    workerEntries: 1,
  });
  return { workers, pool, reputation };
}

describe('the Reputation service', () => {
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("charts a history in the worker, with the main thread's points and progress per point", async () => {
    const { workers, reputation } = service('answer');
    const progress: [number, number][] = [];
    const points = await reputation.history(ledger, 1, first, (done, total) =>
      progress.push([done, total]),
    );
    expect(workers.started[0]?.requests.map((r) => r.message.kind)).toEqual(['score-history']);
    expect(points).toEqual(await expectedHistory(first));
    expect(progress).toEqual(points.map((_, i) => [i + 1, points.length]));
  });

  it("lists the systems from the worker's explanations, as the main thread lists them", async () => {
    const { workers, reputation } = service('answer');
    const rows = await reputation.systems(ledger, 1);
    expect(workers.started[0]?.requests).toHaveLength(1);
    expect(rows).toEqual(await mainThread.systems(ledger, 1));
    expect(rows.filter((r) => r.explanation !== undefined).length).toBeGreaterThanOrEqual(4);
  });

  it('explains the scores the list is built from, one worker job for both at a revision', async () => {
    // With evidence of malice: an admin flags a patch the systems built and reviewed.
    const { ledger: flagged } = await historyLedger();
    const evidence = { patch: patch(3), compromised: true, evidence: 'backdoor' };
    await flagged.append(await signer(1), 'flag', evidence, day(40));
    const { workers, reputation } = service('answer');
    const [explained, rows] = await Promise.all([
      reputation.explained(flagged, 1),
      reputation.systems(flagged, 1),
    ]);
    expect(workers.started[0]?.requests).toHaveLength(1);
    const here = await mainThread.explained(flagged, 1);
    expect(explained.scores).toEqual(here.scores);
    expect(explained.systems).toBe(here.systems);
    expect(explained.penalties.length).toBeGreaterThan(0);
    expect(sortedPenalties(explained.penalties)).toEqual(sortedPenalties(here.penalties));
    for (const row of rows) expect(explained.explain(row.did)).toEqual(here.explain(row.did));
  });

  it('computes on the main thread when no worker can start, with the same bits', async () => {
    const { workers, reputation } = service('fail-to-load');
    const progress: number[] = [];
    const points = await reputation.history(ledger, 1, second, (done) => progress.push(done));
    expect(workers.started.length).toBeGreaterThan(0);
    expect(points).toEqual(await expectedHistory(second));
    expect(progress).toEqual(points.map((_, i) => i + 1));
    expect(await reputation.systems(ledger, 1)).toEqual(await mainThread.systems(ledger, 1));
  });

  it('computes on the main thread when the worker dies in the middle', async () => {
    const { workers, reputation } = service('crash', 'answer');
    expect(await reputation.history(ledger, 1, first)).toEqual(await expectedHistory(first));
    expect(workers.started[0]?.terminated).toBe(true);
  });

  it('takes a malformed answer for a broken worker, not for the points', async () => {
    const { workers, reputation } = service('hold');
    const points = reputation.history(ledger, 1, first);
    const worker = await untilRequested(() => workers.started[0]);
    const { id } = worker.requests[0]?.message ?? { id: -1 };
    worker.reply({ kind: 'history-scored', id, points: [{ entries: 1, ppb: 0 }] });
    expect(await points).toEqual(await expectedHistory(first));
    expect(worker.terminated).toBe(true);
  });

  it('cancels a history still running when another system is chosen', async () => {
    const { workers, reputation } = service('hold');
    const earlier = reputation.history(ledger, 1, first);
    const worker = await untilRequested(() => workers.started[0]);
    const later = reputation.history(ledger, 1, second);
    await expect(earlier).rejects.toMatchObject({ name: 'AbortError' });
    expect(worker.cancels).toEqual([worker.requests[0]?.message.id]);
    await untilRequested(() => worker, 2);
    await worker.answer(1);
    expect(await later).toEqual(await expectedHistory(second));
    // Finished, it is kept for its revision: asked again, nothing is computed.
    expect(await reputation.history(ledger, 1, second)).toEqual(await later);
    expect(worker.requests).toHaveLength(2);
  });

  it('cancels a history once every caller waiting for it has left, not before', async () => {
    const { workers, reputation } = service('hold');
    const [chart, other] = [new AbortController(), new AbortController()];
    const heard: number[] = [];
    const points = reputation.history(ledger, 1, first, (done) => heard.push(done), chart.signal);
    const worker = await untilRequested(() => workers.started[0]);
    const same = reputation.history(ledger, 1, first, undefined, other.signal);
    chart.abort(); // one screen closed: the other still waits
    expect(worker.cancels).toEqual([]);
    other.abort();
    await expect(points).rejects.toMatchObject({ name: 'AbortError' });
    await expect(same).rejects.toMatchObject({ name: 'AbortError' });
    expect(worker.cancels).toEqual([worker.requests[0]?.message.id]);
    expect(heard).toEqual([]);
    // Asked again afterwards, it is computed afresh; a caller without a signal keeps it.
    const again = reputation.history(ledger, 1, first);
    const left = new AbortController();
    void reputation.history(ledger, 1, first, undefined, left.signal).catch(() => undefined);
    left.abort();
    await untilRequested(() => worker, 2);
    await worker.answer(1);
    expect(await again).toEqual(await expectedHistory(first));
    expect(worker.cancels).toHaveLength(1);
  });
});
