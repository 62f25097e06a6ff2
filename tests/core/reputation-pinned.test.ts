/**
 * Score hashes pinned from the engine as it was before the iteration became incremental (every
 * step a full product along the in-edges, the matrix built edge by edge): the same synthetic
 * inputs and parameters must keep giving the same iterations and the same bits. The cases
 * cover pulled and pushed steps (a fast start, a long settling tail), a = 0 and a = 1/2, an
 * iteration cut off at maxIterations, tiny and skewed graphs.
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
  [10_000, 10, 7, base, 16, 'd1ad58c97bd465703f80f8fc462e9bb2b45c3c3f22c35d659810349f97f1e785'],
  [10_000, 10, 7, half, 20, '83b5f6903d0635d696ce68a1440cd444ea42cff6ddb2b54776e2e1237cc67cf0'],
  [10_000, 10, 42, base, 16, '57e964986f548cc718a7cb306e5e2afa4d25728bcafb1104bc87fa30d15d4d50'],
  [10_000, 10, 42, half, 200, '1be8ec86fe20b9d50a069871f9842d486a3bf7577b1410b26b34d605fe31b27f'],
  [10_000, 10, 42, none, 19, '83954c792f6d472bb846f937091ab3122114ec4d2b3e3bbb508483ee02e34154'],
  [1000, 10, 1, base, 15, '4bd376a6770f5645c0911857e6e2dbd6af1ce6bf9dffb5833adf0eeb1e6312f9'],
  [1000, 10, 1, none, 17, '69966123680a4038af4da19955f1635856caeba420b48006fb0785d2c9fd953a'],
  [3000, 3, 2, base, 28, '74280e5efcec77cf74d692604eb9b7692d4de12cff732d922224f4534f797f6d'],
  [3000, 3, 2, half, 24, '69988faf37ed3e3f477496a9721ee04082731a1d7d593aaabddea0bd49f81eb9'],
  [500, 50, 4, base, 9, '513f1cabb20bf563f1f1a3ff0a050fdc90eb94c386f23e808280d5230d1906cc'],
  [64, 10, 5, half, 200, '34cb5a8589d883ed3ae5fb15ba6b27596ede44b26cea6edaa5da1c4d1f369817'],
  [2, 1, 6, base, 17, '15f5ba4ed3f80b94805a774492e5ab16ea4c8cffbf28af87ced7ce170b9b505d'],
];

describe('score hashes pinned from the engine before it was made faster', () => {
  it.each(PINNED)('%i systems × %i edges, seed %i', (nodes, edges, seed, params, n, hash) => {
    const result = computeReputation(syntheticInput(nodes, edges, seed), params);
    expect([result.iterations, result.scoreHash]).toEqual([n, `sha256:${hash}`]);
  });
});
