/**
 * Turns a `ReputationInput` into the arrays the power iteration runs on:
 * - a multiplier per system (parts per 1024): its posture, times each soft penalty; hard
 *   evidence (equivocation, or a penalty whose factor is 0) zeroes the system and cuts every
 *   edge into and out of it;
 * - the pre-trust vector p (sums to ≤ 2^20): members weighted by min(stakeCap, base + stake) ×
 *   multiplier, water-filled so no root exceeds maxRootShare (or 1/roots when there are few);
 * - the trust matrix Cᵀ in CSR form: the input's edges are already sorted by (to, from), so
 *   target i's in-edges are one block and the sources are input.edges.from itself. Each
 *   source's row is normalised to exactly 2^20 over its kept edges (the rounding remainder goes
 *   to its heaviest edge, the first in target order among equals), then each entry is scaled by
 *   its target's multiplier and by (1 − a), so trust held back by a penalty or by posture
 *   returns to pre-trust instead of moving to the source's other targets.
 * Bounds (integers below 2^53, see integer.ts): a weight × 2^20 < 2^44; a row sum < 2^50; an
 * entry × multiplier × (1024 − a) < 2^40.
 */
import { nodeIndex } from './check.ts';
import { floorDiv, ONE, UNIT } from './integer.ts';
import type { ReputationParams } from './params.ts';
import type { PostureReport, ReputationInput } from './types.ts';

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
  for (const p of input.penalties) {
    const i = nodeIndex(input.nodes, p.did);
    const factor = p.kind === 'equivocation' ? 0 : params.penalties[p.kind];
    if (factor === 0) zeroed[i] = 1;
    else multiplier[i] = floorDiv((multiplier[i] as number) * factor, UNIT);
  }
  for (let i = 0; i < n; i++) if (zeroed[i] === 1) multiplier[i] = 0;
  return { multiplier, zeroed };
}

/** Splits 2^20 among roots in proportion to weight, no root above its cap (exact, BigInt). */
function waterFill(weights: Float64Array, maxRootShare: number): Uint32Array {
  const roots = [...weights.keys()].filter((i) => (weights[i] as number) > 0);
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

function pretrust(input: ReputationInput, params: ReputationParams, multiplier: Uint32Array) {
  const rootWeight = new Float64Array(input.nodes.length);
  input.nodes.forEach((node, i) => {
    if (!node.member) return;
    const base = node.admin ? params.adminWeight : params.memberWeight;
    rootWeight[i] = Math.min(params.stakeCap, base + node.stake);
  });
  const weighted = rootWeight.map((w, i) => w * (multiplier[i] as number));
  return { rootWeight, pretrust: waterFill(weighted, params.maxRootShare) };
}

/**
 * Per source: the sum of its kept weights (weight > 0, neither end zeroed), and its heaviest
 * kept edge (the first among equals, i.e. the lowest target).
 */
function rowTotals(input: ReputationInput, zeroed: Uint8Array) {
  const { from, to, weight } = input.edges;
  const sum = new Float64Array(input.nodes.length);
  const heaviest = new Int32Array(input.nodes.length).fill(-1);
  for (let e = 0; e < from.length; e++) {
    const w = weight[e] as number;
    const j = from[e] as number;
    if (w === 0 || zeroed[j] === 1 || zeroed[to[e] as number] === 1) continue;
    sum[j] = (sum[j] as number) + w;
    const h = heaviest[j] as number;
    if (h < 0 || w > (weight[h] as number)) heaviest[j] = e;
  }
  return { sum, heaviest };
}

/** The scaled matrix entry of every edge (see the module header); 0 for a cut edge. */
function matrixEntries(
  input: ReputationInput,
  params: ReputationParams,
  multiplier: Uint32Array,
  zeroed: Uint8Array,
): Uint32Array {
  const { from, to, weight } = input.edges;
  const keep = UNIT - params.pretrustShare;
  const scale = multiplier.map((x) => x * keep);
  const { sum, heaviest } = rowTotals(input, zeroed);
  const given = new Float64Array(input.nodes.length);
  const entry = new Uint32Array(from.length);
  for (let e = 0; e < from.length; e++) {
    const w = weight[e] as number;
    const j = from[e] as number;
    const i = to[e] as number;
    if (w === 0 || zeroed[j] === 1 || zeroed[i] === 1) continue;
    const c = floorDiv(w * ONE, sum[j] as number);
    given[j] = (given[j] as number) + c;
    // The heaviest edge keeps its raw entry until its row's remainder is known.
    entry[e] = heaviest[j] === e ? c : Math.floor((c * (scale[i] as number)) / ONE);
  }
  for (let j = 0; j < heaviest.length; j++) {
    const h = heaviest[j] as number;
    if (h < 0) continue;
    const c = (entry[h] as number) + ONE - (given[j] as number);
    entry[h] = Math.floor((c * (scale[to[h] as number] as number)) / ONE);
  }
  return entry;
}

/** Where each target's block of in-edges starts (edges are sorted by target). */
function blockStarts(input: ReputationInput): Uint32Array {
  const n = input.nodes.length;
  const { to } = input.edges;
  const inStart = new Uint32Array(n + 1);
  let e = 0;
  for (let i = 0; i < n; i++) {
    inStart[i] = e;
    while (e < to.length && to[e] === i) e++;
  }
  inStart[n] = e;
  return inStart;
}

export function prepareModel(input: ReputationInput, params: ReputationParams): Model {
  const { multiplier, zeroed } = multipliers(input, params);
  const { rootWeight, pretrust: p } = pretrust(input, params, multiplier);
  return {
    n: input.nodes.length,
    multiplier,
    zeroed,
    rootWeight,
    pretrust: p,
    inStart: blockStarts(input),
    inSource: input.edges.from,
    inWeight: matrixEntries(input, params, multiplier, zeroed),
  };
}
