/**
 * Trust scores in the app, with a fake reputation worker in Node: it runs the real worker job
 * on what postMessage would deliver (a structured clone that moves the transferred buffers),
 * or fails, dies or misbehaves on cue. Wherever the scores are computed, they must be core's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeServices } from '../../src/app/services.ts';
import { makeTrustScorer, WORKER_THRESHOLD } from '../../src/app/trust-scores.ts';
import { WorkerUnavailableError } from '../../src/app/worker-pool.ts';
import {
  computeReputation,
  defaultReputationParams,
  explainScore,
  type ReputationInput,
} from '../../src/core/reputation/index.ts';
import { runReputationJob } from '../../worker/reputation-job.ts';
import type { ReputationResponse } from '../../worker/reputation-protocol.ts';
import { syntheticInput } from '../e2e/reputation-synthetic.ts';
import { FakePoolWorker, fakeWorkers } from '../helpers/fake-worker.ts';

const PARAMS = defaultReputationParams('2026-06-01T00:00:00Z');

/** The answer the real job gives to the worker's i-th request. */
const answerTo = (worker: FakePoolWorker, i: number): ReputationResponse =>
  runReputationJob(worker.requests[i]?.message).message;

/** Large enough for the worker at a threshold of 1,000 nodes + edges. */
const large = () => syntheticInput(300, 8, 11);
const expected = (input: ReputationInput) => computeReputation(structuredClone(input), PARAMS);

async function untilRequested(worker: FakePoolWorker, count = 1): Promise<void> {
  while (worker.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('computeTrustScores', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("computes a large input in the worker: core's result, Map rebuilt, engine 'worker'", async () => {
    const worker = new FakePoolWorker();
    const score = makeTrustScorer({ startWorker: () => worker, threshold: 1000 });
    const input = large();
    const { result, engine } = await score(input, PARAMS);
    expect(engine).toBe('worker');
    expect(worker.requests).toHaveLength(1);
    expect(result).toEqual(expected(input));
    expect(result.scores).toBeInstanceOf(Map);
  });

  it('computes a small input on the main thread without starting the worker', async () => {
    const start = vi.fn(() => new FakePoolWorker());
    const score = makeTrustScorer({ startWorker: start, threshold: 1000 });
    const input = syntheticInput(40, 4);
    expect(input.nodes.length + input.edges.from.length).toBeLessThan(1000);
    const { result, engine } = await score(input, PARAMS);
    expect(engine).toBe('main-thread');
    expect(result.scoreHash).toBe(expected(input).scoreHash);
    expect(start).not.toHaveBeenCalled();
  });

  it('follows the engine the caller asks for, whatever the size', async () => {
    const worker = new FakePoolWorker();
    const score = makeTrustScorer({ startWorker: () => worker });
    expect(WORKER_THRESHOLD).toBeGreaterThan(1000);
    const small = syntheticInput(40, 4);
    expect((await score(small, PARAMS, { engine: 'worker' })).engine).toBe('worker');
    expect((await score(large(), PARAMS, { engine: 'main-thread' })).engine).toBe('main-thread');
    expect(worker.requests).toHaveLength(1);
  });

  it("leaves the caller's input whole: the worker gets copies of the edges", async () => {
    const score = makeTrustScorer({ startWorker: () => new FakePoolWorker(), threshold: 0 });
    const input = large();
    const before = structuredClone(input);
    const { result } = await score(input, PARAMS);
    expect(input).toEqual(before);
    const did = result.order[0] as string;
    expect(explainScore(input, result, did)).toEqual(explainScore(before, expected(before), did));
  });

  it("with transferInput, moves the input's own edge buffers to the worker", async () => {
    const score = makeTrustScorer({ startWorker: () => new FakePoolWorker(), threshold: 0 });
    const input = large();
    const hash = expected(input).scoreHash;
    const { result, engine } = await score(input, PARAMS, { transferInput: true });
    expect({ engine, scoreHash: result.scoreHash }).toEqual({ engine: 'worker', scoreHash: hash });
    expect(input.edges.from).toHaveLength(0);
  });

  it('falls back to the main thread when the worker cannot start: same score hash', async () => {
    const score = makeTrustScorer({
      startWorker: () => {
        throw new ReferenceError('Worker is not defined');
      },
      threshold: 0,
    });
    const input = large();
    const { result, engine } = await score(input, PARAMS);
    expect(engine).toBe('main-thread');
    expect(result.scoreHash).toBe(expected(input).scoreHash);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Worker is not defined'));
  });

  it('falls back to the main thread when the worker dies mid-request: same score hash', async () => {
    const fakes = fakeWorkers('crash', 'answer');
    const score = makeTrustScorer({ startWorker: fakes.start, threshold: 0 });
    const input = large();
    const { result, engine } = await score(input, PARAMS);
    expect(engine).toBe('main-thread');
    expect(result).toEqual(expected(input));
    expect(fakes.started[0]?.terminated).toBe(true);
    // The dead worker is replaced: the next request runs in a new one, not posted to the dead one.
    expect((await score(large(), PARAMS)).engine).toBe('worker');
    expect(fakes.started.map((w) => w.requests.length)).toEqual([1, 1]);
  });

  it('with transferInput, a worker that dies mid-request rejects: the edges went with it', async () => {
    const score = makeTrustScorer({
      startWorker: () => new FakePoolWorker('crash'),
      threshold: 0,
    });
    const answer = score(large(), PARAMS, { transferInput: true });
    await expect(answer).rejects.toBeInstanceOf(WorkerUnavailableError);
    await expect(answer).rejects.toThrow(/edges went with it/);
  });

  it('gives up on a worker that sends a malformed response, and computes here', async () => {
    const worker = new FakePoolWorker('hold');
    const score = makeTrustScorer({ startWorker: () => worker, threshold: 0 });
    const input = large();
    const scoring = score(input, PARAMS);
    await untilRequested(worker);
    worker.reply({
      kind: 'scored',
      id: worker.requests[0]?.message.id,
      result: { scoreHash: 'sha256:0' },
    });
    const { result, engine } = await scoring;
    expect({ engine, scoreHash: result.scoreHash }).toEqual({
      engine: 'main-thread',
      scoreHash: expected(input).scoreHash,
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('malformed response'));
    expect(worker.terminated).toBe(true);
  });

  it('gives up on a worker whose answer does not fit the input, and computes here', async () => {
    const worker = new FakePoolWorker('hold');
    const score = makeTrustScorer({ startWorker: () => worker, threshold: 0 });
    const input = large();
    const scoring = score(input, PARAMS);
    await untilRequested(worker);
    const answer = answerTo(worker, 0);
    if (answer.kind !== 'scored') throw new Error('the job did not score');
    worker.reply({ ...answer, result: { ...answer.result, ppb: answer.result.ppb.subarray(1) } });
    const { result, engine } = await scoring;
    expect(engine).toBe('main-thread');
    expect(result.scoreHash).toBe(expected(input).scoreHash);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('answered for 299 systems'));
  });

  it("rejects with core's RangeError for bad parameters, as the main thread does", async () => {
    const score = makeTrustScorer({ startWorker: () => new FakePoolWorker(), threshold: 0 });
    const bad = { ...PARAMS, deltaPpb: -1 };
    const inWorker = score(large(), bad);
    await expect(inWorker).rejects.toBeInstanceOf(RangeError);
    await expect(inWorker).rejects.toThrow(/deltaPpb/);
    await expect(score(large(), bad, { engine: 'main-thread' })).rejects.toThrow(/deltaPpb/);
    expect((await score(large(), PARAMS)).engine).toBe('worker'); // the worker is still usable
  });

  it('matches answers to requests by id, in any order', async () => {
    const worker = new FakePoolWorker('hold');
    const score = makeTrustScorer({ startWorker: () => worker, threshold: 0 });
    const [a, b] = [syntheticInput(200, 5, 1), syntheticInput(250, 5, 2)];
    const scoring = [score(a, PARAMS), score(b, PARAMS)];
    await untilRequested(worker, 2);
    worker.reply(answerTo(worker, 1));
    worker.reply(answerTo(worker, 0));
    const [ra, rb] = await Promise.all(scoring);
    expect(ra?.result.scoreHash).toBe(expected(a).scoreHash);
    expect(rb?.result.scoreHash).toBe(expected(b).scoreHash);
  });

  it('reports the elapsed time on the clock it was given', async () => {
    let clock = 0;
    const score = makeTrustScorer({ now: () => (clock += 5) });
    expect((await score(syntheticInput(20, 2), PARAMS)).elapsedMs).toBe(5);
  });

  it('is what the app services offer, on the pool they start', async () => {
    const worker = new FakePoolWorker();
    const services = makeServices({ startWorker: () => worker });
    const input = large();
    const { result } = await services.computeTrustScores(input, PARAMS, { engine: 'worker' });
    expect(result.scoreHash).toBe(expected(input).scoreHash);
    expect(worker.requests).toHaveLength(1);
  });
});
