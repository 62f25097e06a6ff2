/**
 * EigenTrust (Kamvar, Schlosser and Garcia-Molina, WWW 2003, with its pre-trusted peers and
 * its rows of p for peers that trust nobody) in integers: t ← (1 − a)·Cᵀt + a·p, where all the
 * trust that does not flow along an edge — the a share, what a system with no kept edges out
 * holds, trust held back by a penalty or by posture, and what rounding drops — returns to
 * pre-trust: t'ᵢ = ⌊(Cᵀt)ᵢ⌋ + ⌊R·pᵢ⌋ with R = 1e9 − Σ⌊(Cᵀt)⌋.
 * Scores therefore stay whole parts per billion and sum to at most 1e9 at every step.
 *
 * Pure and deterministic: the input is plain data (see types.ts: it can be posted to a Worker
 * and its Uint32Arrays transferred), the iteration (iterate.ts) stops after `maxIterations` or
 * once the L1 change is at most `deltaPpb`, and every operation is exact (integer.ts), so
 * every engine computes the same bits, and `scoreHash` says so.
 */
import { checkInput } from './check.ts';
import { iterate } from './iterate.ts';
import { prepareModel } from './model.ts';
import { checkParams, paramsHash, type ReputationParams } from './params.ts';
import { rankedDids, scoreHashOf, scoreMap } from './result.ts';
import type { ReputationInput, ReputationResult } from './types.ts';

/** Global trust for every system in `input`, as whole parts per billion. */
export function computeReputation(
  input: ReputationInput,
  params: ReputationParams,
): ReputationResult {
  checkParams(params);
  checkInput(input);
  const run = iterate(prepareModel(input, params), params);
  const dids = input.nodes.map((node) => node.did);
  const hash = paramsHash(params);
  return {
    scores: scoreMap(dids, run.ppb),
    ppb: run.ppb,
    order: rankedDids(dids, run.ppb),
    iterations: run.iterations,
    converged: run.converged,
    delta: run.delta,
    teleport: run.teleport,
    scoreHash: scoreHashOf(dids, run.ppb, hash),
    paramsHash: hash,
    params: structuredClone(params),
  };
}
