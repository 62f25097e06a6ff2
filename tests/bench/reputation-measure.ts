/**
 * The reputation bench's measuring loop, platform-neutral so it runs in Node, on a Chromium
 * page and in a Chromium Worker: builds a synthetic input (untimed), then times
 * computeReputation (validation, model, power iteration, ranking, score hash), the model step
 * alone, and a reference measured in the same run: the same number of bare sparse
 * matrix-vector products in Float64 over the same edges, i.e. the least any power iteration
 * over this graph costs.
 */
import { computeReputation, defaultReputationParams } from '../../src/core/reputation/index.ts';
import { prepareModel } from '../../src/core/reputation/model.ts';
import { syntheticInput } from '../e2e/reputation-synthetic.ts';
import type { ReputationInput } from '../../src/core/reputation/index.ts';

export interface MeasureRequest {
  nodes: number;
  edgesPerNode: number;
  seed: number;
  runs: number;
  asOf: string;
}

export interface Measured {
  edges: number;
  iterations: number;
  scoreHash: string;
  /** The first computeReputation in this JS context (cold JIT), ms. */
  coldMs: number;
  /** computeReputation, each run after it, ms. */
  runs: number[];
  /** prepareModel alone (median of runs), ms. */
  modelMs: number;
  /** Bare Float64 SpMV × iterations (median of runs), ms. */
  referenceMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

function referencePasses(input: ReputationInput, passes: number): number {
  const n = input.nodes.length;
  const { from, to, weight } = input.edges;
  const start = new Uint32Array(n + 1);
  for (let e = 0; e < to.length; e++) start[(to[e] as number) + 1] = e + 1;
  for (let i = 0; i < n; i++) start[i + 1] = Math.max(start[i + 1] as number, start[i] as number);
  const w = Float64Array.from(weight, (x) => x / 4096 / 10);
  let t = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  const started = performance.now();
  for (let k = 0; k < passes; k++) {
    let e = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const end = start[i + 1] as number;
      for (; e < end; e++) acc += (w[e] as number) * (t[from[e] as number] as number);
      next[i] = 0.85 * acc + 0.15 / n;
    }
    [t, next] = [next, t];
  }
  return performance.now() - started;
}

/** Builds the synthetic input (untimed), then times `runs` computations of it. */
export function measure(request: MeasureRequest): Measured {
  const input = syntheticInput(request.nodes, request.edgesPerNode, request.seed);
  const params = defaultReputationParams(request.asOf);
  const cold = performance.now();
  let last = computeReputation(input, params);
  const coldMs = performance.now() - cold;
  const runs: number[] = [];
  const model: number[] = [];
  const reference: number[] = [];
  for (let r = 0; r < request.runs; r++) {
    let started = performance.now();
    last = computeReputation(input, params);
    runs.push(performance.now() - started);
    started = performance.now();
    prepareModel(input, params);
    model.push(performance.now() - started);
    reference.push(referencePasses(input, last.iterations));
  }
  return {
    edges: input.edges.from.length,
    iterations: last.iterations,
    scoreHash: last.scoreHash,
    coldMs,
    runs,
    modelMs: median(model),
    referenceMs: median(reference),
  };
}

export { median };
