/**
 * Browser entry bundled by ./reputation-worker.test.ts: the app's own services (src/app, the
 * production wiring, which starts worker/pool.worker.ts as a module Worker) on `window`,
 * so the test can score a synthetic ledger through `computeTrustScores` exactly as the app
 * does, and see where it ran and how long the page's main thread was held meanwhile.
 */
import { makeServices } from '../../src/app/services.ts';
import type { TrustEngine, TrustScoreOptions } from '../../src/app/trust-scores.ts';
import { defaultReputationParams } from '../../src/core/reputation/params.ts';
import { syntheticInput } from './reputation-synthetic.ts';

const services = makeServices();

export interface ScoreRequest {
  nodes: number;
  edgesPerNode: number;
  seed: number;
  asOf: string;
  engine?: TrustScoreOptions['engine'];
}

export interface PageScore {
  engine: TrustEngine;
  size: number;
  scoreHash: string;
  /** Whether the input's edge arrays were still whole afterwards. */
  inputIntact: boolean;
  elapsedMs: number;
  /** The longest the page's main thread went without running a task while scoring. */
  longestStallMs: number;
}

/** Ticks a task every turn of the event loop and records the longest gap between two. */
function watchStalls(): () => number {
  const channel = new MessageChannel();
  let last = performance.now();
  let longest = 0;
  let running = true;
  channel.port1.onmessage = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  return () => {
    running = false;
    channel.port1.close();
    return Math.max(longest, performance.now() - last);
  };
}

async function score(request: ScoreRequest): Promise<PageScore> {
  const input = syntheticInput(request.nodes, request.edgesPerNode, request.seed);
  const edges = input.edges.from.length;
  const stop = watchStalls();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const params = defaultReputationParams(request.asOf);
  const options = request.engine === undefined ? {} : { engine: request.engine };
  const { result, engine, elapsedMs } = await services.computeTrustScores(input, params, options);
  const longestStallMs = stop();
  return {
    engine,
    size: input.nodes.length + edges,
    scoreHash: result.scoreHash,
    inputIntact: input.edges.from.length === edges && input.edges.weight.length === edges,
    elapsedMs,
    longestStallMs,
  };
}

const api = { score };
export type TrustScoresPageApi = typeof api;

declare global {
  interface Window {
    patchtrailTrustScores: TrustScoresPageApi;
  }
}

window.patchtrailTrustScores = api;
