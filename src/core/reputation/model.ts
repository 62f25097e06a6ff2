/**
 * Turns a `ReputationInput` into the arrays the power iteration runs on:
 * - a multiplier per system (parts per 1024): its posture, times each soft penalty; hard
 *   evidence (equivocation, or a penalty whose factor is 0) zeroes the system and cuts every
 *   edge into and out of it;
 * - the pre-trust vector p (sums to ≤ 2^20): members weighted by min(stakeCap, base + stake) ×
 *   multiplier, water-filled so no root exceeds maxRootShare (or 1/roots when there are few);
 * - the trust matrix (matrix.ts), by target and by source: each source's row is normalised to
 *   exactly 2^20 over its kept edges (the rounding remainder goes to its heaviest edge, the
 *   first in target order among equals), then each entry is scaled by its target's multiplier
 *   and by (1 − a), so trust held back by a penalty or by posture returns to pre-trust instead
 *   of moving to the source's other targets.
 * Bounds (integers below 2^53, see integer.ts): a weight × 2^20 < 2^44; a row sum < 2^50; an
 * entry × multiplier × (1024 − a) < 2^40.
 */
import { nodeIndex } from './check.ts';
import { floorDiv, ONE, UNIT } from './integer.ts';
import { trustMatrix } from './matrix.ts';
import type { ReputationParams } from './params.ts';
import type { PostureReport, ReputationInput, ReputationNode } from './types.ts';

export interface Model {
  n: number;
  /** Per system: parts per 1024 of trust flowing in that is let through; 0 when zeroed. */
  multiplier: Uint32Array;
  zeroed: Uint8Array;
  /** A root's weight: min(stakeCap, base + stake); 0 for a non-root. Pre-trust follows weight × multiplier. */
  rootWeight: Float64Array;
  /** Pre-trust, fixed point 2^20. */
  pretrust: Uint32Array;
  /** In-edges of target i are edges inStart[i] .. inStart[i + 1] − 1 (sources in index order). */
  inStart: Uint32Array;
  /** input.edges.from. */
  inSource: Uint32Array;
  /** Per edge: matrix entry × multiplier × (1 − a), fixed point 2^20; 0 for a cut edge. */
  inWeight: Uint32Array;
  /** The same entries by source, for kept edges (see matrix.ts). */
  outStart: Uint32Array;
  out: Uint32Array;
}

/** Parts per 1024: the share of checks passed, at least posture.floor (unassessed if none). */
export function postureMultiplier(report: PostureReport, params: ReputationParams): number {
  const { unassessed, floor } = params.posture;
  if (report.total === 0) return unassessed;
  return Math.max(floor, floorDiv(UNIT * report.passed, report.total));
}

function multipliers(input: ReputationInput, params: ReputationParams) {
  const n = input.nodes.length;
  const multiplier = new Uint32Array(n).fill(params.posture.unassessed);
  const zeroed = new Uint8Array(n);
  for (const r of input.posture)
    multiplier[nodeIndex(input.nodes, r.did)] = postureMultiplier(r, params);
  const cut: number[] = [];
  for (const p of input.penalties) {
    const i = nodeIndex(input.nodes, p.did);
    const factor = p.kind === 'equivocation' ? 0 : params.penalties[p.kind];
    if (factor !== 0) multiplier[i] = floorDiv((multiplier[i] as number) * factor, UNIT);
    else {
      zeroed[i] = 1;
      cut.push(i);
    }
  }
  for (const i of cut) multiplier[i] = 0;
  return { multiplier, zeroed };
}

/**
 * Splits 2^20 among `roots` (ascending indexes, each weight > 0) in proportion to weight, no
 * root above its cap (exact, BigInt: 2^20 × a weight ≤ 2^20 × 2^40 is past 2^53).
 */
function waterFill(weights: Float64Array, roots: readonly number[], maxRootShare: number) {
  const out = new Uint32Array(weights.length);
  if (roots.length === 0) return out;
  const total = BigInt(ONE);
  const cap = BigInt(Math.max(maxRootShare * (ONE / UNIT), floorDiv(ONE, roots.length)));
  const capped = new Set<number>();
  for (;;) {
    const open = roots.filter((i) => !capped.has(i));
    const budget = total - cap * BigInt(capped.size);
    const sum = open.reduce((s, i) => s + BigInt(weights[i] as number), 0n);
    const share = (i: number) => (budget * BigInt(weights[i] as number)) / sum;
    const over = open.filter((i) => share(i) > cap);
    if (over.length === 0) {
      for (const i of open) out[i] = Number(share(i));
      for (const i of capped) out[i] = Number(cap);
      return out;
    }
    for (const i of over) capped.add(i);
  }
}

/**
 * Root weights, and pre-trust water-filled over the roots whose weight × multiplier is > 0
 * (≤ 2^30 × 1024 = 2^40, exact).
 */
function pretrust(input: ReputationInput, params: ReputationParams, multiplier: Uint32Array) {
  const n = input.nodes.length;
  const rootWeight = new Float64Array(n);
  const weighted = new Float64Array(n);
  const roots: number[] = [];
  rootWeights(input.nodes, params, multiplier, { rootWeight, weighted, roots });
  return { rootWeight, pretrust: waterFill(weighted, roots, params.maxRootShare) };
}

/** Fills in `out` for pretrust: one loop and nothing after it (a kernel, see matrix.ts). */
function rootWeights(
  nodes: readonly ReputationNode[],
  params: ReputationParams,
  multiplier: Uint32Array,
  out: { rootWeight: Float64Array; weighted: Float64Array; roots: number[] },
): void {
  const { rootWeight, weighted, roots } = out;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as ReputationNode;
    if (!node.member) continue;
    const base = node.admin ? params.adminWeight : params.memberWeight;
    const w = Math.min(params.stakeCap, base + node.stake);
    rootWeight[i] = w;
    weighted[i] = w * (multiplier[i] as number);
    if ((weighted[i] as number) > 0) roots.push(i);
  }
}

export function prepareModel(input: ReputationInput, params: ReputationParams): Model {
  const shares = multipliers(input, params);
  const { rootWeight, pretrust: p } = pretrust(input, params, shares.multiplier);
  const matrix = trustMatrix(input.edges, shares, UNIT - params.pretrustShare);
  return {
    n: input.nodes.length,
    multiplier: shares.multiplier,
    zeroed: shares.zeroed,
    rootWeight,
    pretrust: p,
    inStart: matrix.inStart,
    inSource: input.edges.from,
    inWeight: matrix.inWeight,
    outStart: matrix.outStart,
    out: matrix.out,
  };
}
