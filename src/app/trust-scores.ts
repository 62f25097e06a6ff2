/**
 * Trust scores for the app: `computeTrustScores(input, params)` returns core's
 * `ReputationResult`, the same bits wherever it ran, and says where that was. Inputs of
 * WORKER_THRESHOLD nodes + edges or more go to the worker pool, so a large ledger never
 * freezes the page; smaller ones are computed on the main thread, where they take less time
 * than posting them would (measured below). When no worker can start, or the one computing
 * dies or misbehaves, the main thread computes instead (the engine is lazily imported, keeping
 * it out of the main chunk); the pool replaces a failed worker for the next request.
 */
import type { ReputationParams } from '../core/reputation/params.ts';
import type { ReputationInput, ReputationResult } from '../core/reputation/types.ts';
import { canPost } from '../../worker/reputation-protocol.ts';
import { computeInWorker, type ReputationPostOptions } from './reputation-client.ts';
import {
  makeWorkerPool,
  startPoolWorker,
  WorkerUnavailableError,
  type WorkerLike,
  type WorkerPool,
} from './worker-pool.ts';

/**
 * Nodes + edges from which the worker is used. Measured in headless Chromium 156 on synthetic
 * inputs (tests/e2e/reputation-synthetic.ts, ten edges per system), warm engines, the best of
 * 41 runs (5 for the largest); "held" is the main thread's share of the worker's round trip
 * (encode and post, then rebuild the result):
 *
 *   nodes + edges   main thread   worker round trip   held
 *          1,100        0.3 ms          0.6 ms       < 0.1 ms
 *          5,500        0.8             1.3          < 0.1
 *         11,000        1.4             2.4            0.1
 *         22,000        2.9             4.6            0.3
 *        110,000         15              23            1.2
 *      1,100,000        313             494             40 (15 of it copying the edges)
 *
 * Below about 10k the round trip's own cost (thread hop, copies, and a worker computing a
 * little slower than the page) is about as much as computing, so posting costs more than it
 * saves; above, computing grows past a millisecond and linearly, while the main thread's share
 * of the worker path stays under a tenth of it. The first request also starts the worker
 * (4–13 ms; 60 ms for a page's first worker).
 */
export const WORKER_THRESHOLD = 10_000;

export type TrustEngine = 'worker' | 'main-thread';

export interface TrustScores {
  result: ReputationResult;
  engine: TrustEngine;
  elapsedMs: number;
}

export interface TrustScoreOptions extends ReputationPostOptions {
  /** 'auto' (default) chooses by size; 'worker' prefers the worker whatever the size. */
  engine?: 'auto' | TrustEngine;
}

export type ComputeTrustScores = (
  input: ReputationInput,
  params: ReputationParams,
  options?: TrustScoreOptions,
) => Promise<TrustScores>;

export interface TrustScorerOptions {
  /** The app's worker pool; without it, a pool of its own on `startWorker`. */
  pool?: WorkerPool;
  /** Starts a pool worker; throwing means "no worker here". */
  startWorker?: () => WorkerLike;
  /** Nodes + edges from which the worker is used; default WORKER_THRESHOLD. */
  threshold?: number;
  now?: () => number;
}

async function computeOnMainThread(
  input: ReputationInput,
  params: ReputationParams,
): Promise<ReputationResult> {
  const { computeReputation } = await import('../core/reputation/compute.ts');
  return computeReputation(input, params);
}

export function makeTrustScorer(options: TrustScorerOptions = {}): ComputeTrustScores {
  const now = options.now ?? (() => performance.now());
  const threshold = options.threshold ?? WORKER_THRESHOLD;
  const pool = options.pool ?? makeWorkerPool({ start: options.startWorker ?? startPoolWorker });

  function wantsWorker(input: ReputationInput, choice: TrustScoreOptions['engine']): boolean {
    if (choice === 'main-thread' || !pool.usable) return false;
    const large = input.nodes.length + input.edges.from.length >= threshold;
    return (choice === 'worker' || large) && canPost(input);
  }

  async function inWorker(
    input: ReputationInput,
    params: ReputationParams,
    options: TrustScoreOptions,
  ): Promise<ReputationResult | undefined> {
    const edges = input.edges.from.length;
    try {
      return await computeInWorker(pool, input, params, options);
    } catch (cause) {
      if (!(cause instanceof WorkerUnavailableError)) throw cause;
      // With transferInput, a worker that dies after the post took the edges with it.
      if (input.edges.from.length !== edges)
        throw new WorkerUnavailableError(`${cause.message}; the input's edges went with it`);
      console.warn(`patchtrail: ${cause.message}; computing trust scores on the main thread`);
      return undefined;
    }
  }

  return async (input, params, options = {}) => {
    const started = now();
    const fromWorker = wantsWorker(input, options.engine)
      ? await inWorker(input, params, options)
      : undefined;
    const engine: TrustEngine = fromWorker === undefined ? 'main-thread' : 'worker';
    const result = fromWorker ?? (await computeOnMainThread(input, params));
    return { result, engine, elapsedMs: now() - started };
  };
}
