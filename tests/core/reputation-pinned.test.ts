/**
 * Score hashes pinned from the engine as it was before the iteration became incremental (every
 * step a full product along the in-edges, the matrix built edge by edge): the same synthetic
 * inputs and parameters must keep giving the same iterations and the same bits. The cases
 * cover pulled and pushed steps (a fast start, a long settling tail), a = 0 and a = 1/2, an
 * iteration cut off at maxIterations, tiny and skewed graphs.
 *
 * Re-pinned on purpose when the parameters gained settleAfter, probationWeight and
 * penalties.kept (issue 10): scoreHash covers paramsHash, so every hash moved, but the score
 * vectors did not — hashed under the previous parameters' hash, each reproduced its old pin
 * and its iteration count.
 */
import { describe, expect, it } from 'vitest';
import {
  computeReputation,
  defaultReputationParams,
  type ReputationParams,
} from '../../src/core/reputation/index.ts';
import { syntheticInput } from '../e2e/reputation-synthetic.ts';

const base = defaultReputationParams('2026-06-01T00:00:00Z');
const half: ReputationParams = { ...base, pretrustShare: 512, deltaPpb: 0 };
const none: ReputationParams = { ...base, pretrustShare: 0, maxIterations: 40 };

const PINNED: [nodes: number, edges: number, seed: number, ReputationParams, number, string][] = [
  [10_000, 10, 7, base, 16, 'dcd7d294bb9c133714225b18529e809b34f8ccb2313e369f610ebdb62f87d227'],
  [10_000, 10, 7, half, 20, 'b166c863e1afe6a46e0e78f47b8923508a766ada4b20af5954c5299c741fd3ca'],
  [10_000, 10, 42, base, 16, 'a2621e24a9eb9fa7096eeb4aa58d80b8ccd7a3df0f709e34a1d9561d0b94b2f4'],
  [10_000, 10, 42, half, 200, '5cd93054b3e9c8558bd61d0465424817e3ec22456910ea0830b7511e82ca92e6'],
  [10_000, 10, 42, none, 19, '7213e6e783914570e51bdbba96a6087da93cd05f62200d505d15939b731bf26b'],
  [1000, 10, 1, base, 15, '356aa4443d3740ef0217a8853505e4c3eb5a5632f56c6e024704ed2897236248'],
  [1000, 10, 1, none, 17, '22c58c79679ad1cc8c8065b46be3852471c95849d6c82a0239a0ed04bde0b046'],
  [3000, 3, 2, base, 28, 'f80d4368f1516bb89a9732db270a52ddad6bb70905e5223f5dcc06f6567bee80'],
  [3000, 3, 2, half, 24, 'bd1d50bd45167731512c2c88ef236023bfea1f1bf38ed7d58108e6916f4e2362'],
  [500, 50, 4, base, 9, '64db795687312ffab152e1cdfd4ac322cd75a9099c6187463817b6d466f01977'],
  [64, 10, 5, half, 200, '3574c052b42260c50ae0cfaa02c06a43cfd22217840b1f7f47bf293b5537dc16'],
  [2, 1, 6, base, 17, 'ec74b3d8c1de78b14c0fabb127ded807cbac38e060c3ceb1cc9032f14dcb7b6b'],
];

describe('score hashes pinned from the engine before it was made faster', () => {
  it.each(PINNED)('%i systems × %i edges, seed %i', (nodes, edges, seed, params, n, hash) => {
    const result = computeReputation(syntheticInput(nodes, edges, seed), params);
    expect([result.iterations, result.scoreHash]).toEqual([n, `sha256:${hash}`]);
  });
});
