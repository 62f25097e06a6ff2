/**
 * The score-history job and its messages, without a browser: the worker's points are the main
 * thread's to the bit, it reports each stop, and a malformed request or answer is refused
 * rather than taken for one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { historyPoints } from '../../src/app/reputation-rows.ts';
import { scoreHistory } from '../../src/app/reputation-history.ts';
import { makeTrustScorer } from '../../src/app/trust-scores.ts';
import { packLedger } from '../../src/app/worker-history.ts';
import * as rep from '../../src/core/reputation/index.ts';
import { makeDispatcher } from '../../worker/dispatch.ts';
import { runScoreHistory } from '../../worker/history-job.ts';
import { abortError } from '../../worker/job-context.ts';
import {
  isHistoryScoredAnswer,
  isScoreHistoryRequest,
  type ScoreHistoryRequest,
} from '../../worker/history-protocol.ts';
import { historyLedger } from '../helpers/history-ledger.ts';

const { ledger, dids } = await historyLedger();
const stops = historyPoints(ledger.size, 12);
/** The main thread's engine only: no worker can start. */
const mainThread = makeTrustScorer({
  startWorker: () => {
    throw new Error('no workers here');
  },
});

/** Runs one message through the pool worker's loop; every message it posts back, in order. */
async function dispatched(message: unknown): Promise<unknown[]> {
  const posted: unknown[] = [];
  const dispatch = makeDispatcher((answer, transfer) =>
    posted.push(structuredClone(answer, { transfer: transfer as Transferable[] })),
  );
  await dispatch(message);
  return posted;
}

async function request(more: Partial<ScoreHistoryRequest> = {}): Promise<ScoreHistoryRequest> {
  const packed = await packLedger(ledger);
  const message = { kind: 'score-history' as const, id: 7, ...packed, stops, ...more };
  return structuredClone(message, { transfer: [packed.bytes, packed.offsets.buffer] });
}

describe('score-history job', () => {
  it("gives each system the main thread's points to the bit, with one progress message per stop", async () => {
    for (const did of dids) {
      const posted = await dispatched(await request({ did }));
      const answer = posted.at(-1);
      expect(isHistoryScoredAnswer(answer)).toBe(true);
      const points = await scoreHistory(ledger, did, stops, mainThread);
      expect(answer).toEqual({ kind: 'history-scored', id: 7, points });
      expect(posted.slice(0, -1)).toEqual(
        stops.map((_, i) => ({ kind: 'progress', id: 7, done: i + 1, total: stops.length })),
      );
    }
  });

  it('charts a score that moves: not every point is the same', async () => {
    const posted = await dispatched(await request({ did: dids[1] as string }));
    const { points } = posted.at(-1) as { points: { ppb: number }[] };
    expect(new Set(points.map((p) => p.ppb)).size).toBeGreaterThan(3);
  });

  it('explains every system at the last stop as the main thread does (the systems list)', async () => {
    const posted = await dispatched(await request({ stops: [ledger.size], explain: true }));
    const params = rep.defaultReputationParams(rep.reputationClock(ledger));
    const input = rep.reputationInputs(ledger, params);
    const result = rep.computeReputation(input, params);
    const systems = input.nodes.map((n) => rep.explainScore(input, result, n.did));
    expect(posted.at(-1)).toEqual({
      kind: 'history-scored',
      id: 7,
      points: [{ entries: ledger.size, ppb: 0 }],
      systems,
    });
  });

  it("sends every system's score and the score hash at the last stop, the main thread's to the bit", async () => {
    const posted = await dispatched(await request({ stops: [8, ledger.size], scores: true }));
    const params = rep.defaultReputationParams(rep.reputationClock(ledger));
    const result = rep.computeReputation(rep.reputationInputs(ledger, params), params);
    const answer = posted.at(-1) as {
      scored: { dids: string[]; ppb: number[]; scoreHash: string; digest: string };
    };
    expect(isHistoryScoredAnswer(answer)).toBe(true);
    expect(answer.scored.scoreHash).toBe(result.scoreHash);
    expect(answer.scored.digest).toBe(await ledger.digest());
    expect(new Map(answer.scored.dids.map((did, i) => [did, answer.scored.ppb[i]]))).toEqual(
      result.scores,
    );
    expect(answer.scored.dids.length).toBeGreaterThanOrEqual(5);
  });
});

describe('score-history job, cancelled', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stops at its next turn once cancelled, before scoring another stop', async () => {
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += 60)); // a turn every 2 entries
    const turns: number[] = [];
    const progress: number[] = [];
    const context = {
      throwIfCancelled() {
        turns.push(1);
        if (turns.length === 3) throw abortError();
      },
      progress: (done: number) => progress.push(done),
      part: () => undefined,
    };
    const job = runScoreHistory(await request({ did: dids[0] as string }), context);
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    expect(turns).toHaveLength(3);
    expect(progress.length).toBeLessThan(stops.length);
  });
});

describe('score-history messages', () => {
  it('refuses a request whose offsets or stops do not fit its bytes, and says so under its id', async () => {
    const good = await request();
    expect(isScoreHistoryRequest(good)).toBe(true);
    const n = good.offsets.length - 1;
    const shorter = good.offsets.slice();
    shorter[n] = (shorter[n] as number) - 1;
    const backwards = good.offsets.slice();
    backwards[2] = (backwards[1] as number) - 1;
    const bad: Partial<ScoreHistoryRequest>[] = [
      { offsets: shorter },
      { offsets: backwards },
      { offsets: new Uint32Array([0]) },
      { stops: [] },
      { stops: [0] },
      { stops: [n + 1] },
      { stops: [5, 5] },
      { stops: [6, 5] },
      { stops: [1.5] },
      { did: 42 as unknown as string },
      { explain: 'yes' as unknown as boolean },
      { scores: 1 as unknown as boolean },
      { bytes: new Uint8Array(4) as unknown as ArrayBuffer },
      { ids: good.ids.slice(0, -1) },
      { ids: `${good.ids}sha256:00\n` },
      { ids: good.ids.split('\n') as unknown as string },
    ];
    for (const more of bad) {
      const message = { ...good, ...more };
      expect(isScoreHistoryRequest(message)).toBe(false);
      const [answer, ...rest] = await dispatched(message);
      expect(rest).toEqual([]);
      expect(answer).toMatchObject({ kind: 'error', id: 7, error: { name: 'TypeError' } });
    }
  });

  it('takes no malformed message for an answer', () => {
    const good = { kind: 'history-scored', id: 3, points: [{ entries: 1, ppb: 0 }] };
    const scored = {
      ...{ dids: ['a', 'b'], ppb: [1, 2] },
      ...{ scoreHash: `sha256:${'0'.repeat(64)}`, digest: `ld1:${'0'.repeat(20)}` },
    };
    expect(isHistoryScoredAnswer(good)).toBe(true);
    for (const bad of [
      { ...good, id: '3' },
      { ...good, kind: 'scored' },
      { ...good, points: undefined },
      { ...good, points: [{ entries: 1, ppb: -1 }] },
      { ...good, points: [{ entries: 1 }] },
      { ...good, systems: [{ did: 'x', ppb: 1 }] },
      { ...good, systems: {} },
      ...[
        { scoreHash: 'sha256:00' },
        { dids: ['b', 'a'], ppb: [1, 2] },
        { dids: ['a', 'a'], ppb: [1, 2] },
        { dids: ['a'], ppb: [1, 2] },
        { ppb: [-1] },
        { dids: [1] },
        { scoreHash: undefined },
        { digest: 'ld1:00' },
        { digest: undefined },
      ].map((bad) => ({ ...good, scored: { ...scored, ...bad } })),
      { kind: 'progress', id: 3, done: 1, total: 2 },
    ])
      expect(isHistoryScoredAnswer(bad)).toBe(false);
    expect(isHistoryScoredAnswer({ ...good, scored })).toBe(true);
  });
});
