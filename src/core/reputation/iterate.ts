/**
 * The power iteration t' = ⌊Cᵀt⌋ + ⌊R·p⌋, R = 10^9 − Σ⌊Cᵀt⌋, computed incrementally and
 * exactly. `acc` holds Cᵀt unfloored: accᵢ = Σ entry·t_source over i's in-edges, a whole
 * number. After a step only the sources whose score changed move it: each pushes
 * entry·(t'ⱼ − tⱼ) along its out-edges (the transposed CSR), so once most scores have settled
 * (the tail of the iteration) a step costs the edges out of the few that still move instead of
 * every edge. When the sources that moved have most of the edges, acc is recomputed from scratch
 * along the in-edges instead (pulling, with no scattered writes). Either way acc is the same
 * whole number, so ⌊accᵢ / 2^20⌋ is the same bits as a full product every step.
 *
 * Bounds (doubles are exact on whole numbers below 2^53): a score ≤ 10^9 < 2^30, an entry ≤
 * 2^20, and each source's entries sum to ≤ 2^20, so Σᵢ accᵢ ≤ 2^20 · Σt ≤ 2^20 · 10^9 < 2^50.
 * While pushing, accᵢ is Cᵀ of a mix of the old and the new vector, each summing to ≤ 10^9, so
 * 0 ≤ accᵢ < 2^51; a pushed term |entry·(t' − t)| ≤ 2^20 · 10^9 < 2^50. R·pᵢ ≤ 10^9 · 2^20 <
 * 2^50. Dividing by 2^20 only moves the exponent, and Math.floor of an exact value is exact.
 *
 * Every loop over nodes or edges is a kernel (typed arrays and numbers in, one loop nest,
 * nothing after it), so V8 optimizes it whole in Node, on a page and in a Worker.
 */
import { ONE, PPB } from './integer.ts';
import type { Model } from './model.ts';
import type { ReputationParams } from './params.ts';

export interface Run {
  ppb: Uint32Array;
  iterations: number;
  converged: boolean;
  delta: number;
  teleport: number;
}

/** The number of out-edges of source j. */
const degree = (outStart: Uint32Array, j: number) =>
  (outStart[j + 1] as number) - (outStart[j] as number);

/**
 * next = ⌊acc / 2^20⌋ (the trust that flowed in), given acc = Cᵀt; returns Σ next and leaves
 * in sums[0] the L1 distance Σ |nextᵢ − tᵢ| (≤ 2·10^9), in sums[1] the out-edges of the i with
 * nextᵢ ≠ tᵢ.
 */
function flows(
  acc: Float64Array,
  outStart: Uint32Array,
  t: Uint32Array,
  next: Uint32Array,
  sums: Float64Array,
): number {
  let flowed = 0;
  let delta = 0;
  let moving = 0;
  for (let i = 0; i < next.length; i++) {
    const f = Math.floor((acc[i] as number) / ONE);
    const d = Math.abs(f - (t[i] as number));
    next[i] = f;
    flowed += f;
    delta += d;
    moving += degree(outStart, i) * (-d >>> 31); // d is whole, 0 … 10^9: 1 when d > 0
  }
  sums[0] = delta;
  sums[1] = moving;
  return flowed;
}

/** flows, after acc = Cᵀt from scratch along the in-edges, in the same pass. */
function pullFlows(
  inStart: Uint32Array,
  inSource: Uint32Array,
  inWeight: Uint32Array,
  outStart: Uint32Array,
  vectors: [t: Uint32Array, next: Uint32Array, acc: Float64Array],
  sums: Float64Array,
): number {
  const [t, next, acc] = vectors;
  let flowed = 0;
  let delta = 0;
  let moving = 0;
  for (let i = 0, e = 0; i < next.length; i++) {
    let sum = 0;
    const end = inStart[i + 1] as number;
    for (; e < end; e++) sum += (inWeight[e] as number) * (t[inSource[e] as number] as number);
    acc[i] = sum;
    const f = Math.floor(sum / ONE);
    const d = Math.abs(f - (t[i] as number));
    next[i] = f;
    flowed += f;
    delta += d;
    moving += degree(outStart, i) * (-d >>> 31);
  }
  sums[0] = delta;
  sums[1] = moving;
  return flowed;
}

/** acc += Cᵀ(next − t), along the out-edges of the sources whose score changed. */
function push(
  outStart: Uint32Array,
  out: Uint32Array,
  t: Uint32Array,
  next: Uint32Array,
  acc: Float64Array,
): void {
  for (let j = 0; j < t.length; j++) {
    const d = (next[j] as number) - (t[j] as number);
    if (d === 0) continue;
    const end = 2 * (outStart[j + 1] as number);
    for (let k = 2 * (outStart[j] as number); k < end; k += 2) {
      const i = out[k] as number;
      acc[i] = (acc[i] as number) + (out[k + 1] as number) * d;
    }
  }
}

/**
 * next += ⌊R·p⌋ at the roots (p is 0 elsewhere, where ⌊R·0⌋ adds nothing), and sums as flows
 * left them corrected for it.
 */
function teleport(
  pretrust: Uint32Array,
  roots: Uint32Array,
  outStart: Uint32Array,
  { r, t, next }: { r: number; t: Uint32Array; next: Uint32Array },
  sums: Float64Array,
): void {
  let change = 0;
  let moving = 0;
  for (let k = 0; k < roots.length; k++) {
    const i = roots[k] as number;
    const f = next[i] as number;
    const before = t[i] as number;
    const v = f + Math.floor((r * (pretrust[i] as number)) / ONE);
    change += Math.abs(v - before) - Math.abs(f - before);
    moving += ((v !== before ? 1 : 0) - (f !== before ? 1 : 0)) * degree(outStart, i);
    next[i] = v;
  }
  sums[0] = (sums[0] as number) + change;
  sums[1] = (sums[1] as number) + moving;
}

function countRoots(pretrust: Uint32Array): number {
  let count = 0;
  for (let i = 0; i < pretrust.length; i++) if (pretrust[i] !== 0) count++;
  return count;
}

/** The indexes whose pre-trust is not 0, ascending, and t⁰ = ⌊10^9·p⌋ there. */
function start(pretrust: Uint32Array, roots: Uint32Array, t: Uint32Array): void {
  for (let i = 0, k = 0; k < roots.length; i++)
    if (pretrust[i] !== 0) {
      roots[k++] = i;
      t[i] = Math.floor((PPB * (pretrust[i] as number)) / ONE);
    }
}

/**
 * Iterates from t⁰ until the L1 change of a step is at most params.deltaPpb, or for
 * params.maxIterations steps. R ≥ 0: Σ⌊Cᵀt⌋ ≤ Σt ≤ 10^9, as each source's entries sum to ≤ 2^20.
 * A step pulls when the sources that moved have more than 2/3 of the edges (per edge, a
 * scattered push costs a little more than a pull), and pushes their changes otherwise.
 */
export function iterate(model: Model, params: ReputationParams): Run {
  const { n, pretrust, inStart, inSource, inWeight, outStart, out } = model;
  const roots = new Uint32Array(countRoots(pretrust));
  let t = new Uint32Array(n);
  let next = new Uint32Array(n);
  start(pretrust, roots, t);
  const acc = new Float64Array(n); // Cᵀ of the zero vector
  push(outStart, out, next, t, acc); // next is still all 0
  const sums = new Float64Array(2);
  let pulling = false;
  let iterations = 0;
  for (;;) {
    iterations++;
    const flowed = pulling
      ? pullFlows(inStart, inSource, inWeight, outStart, [t, next, acc], sums)
      : flows(acc, outStart, t, next, sums);
    const r = PPB - flowed;
    teleport(pretrust, roots, outStart, { r, t, next }, sums);
    const delta = sums[0] as number;
    [t, next] = [next, t];
    const converged = delta <= params.deltaPpb;
    if (converged || iterations >= params.maxIterations)
      return { ppb: t, iterations, converged, delta, teleport: r };
    pulling = 3 * (sums[1] as number) > out.length;
    if (!pulling) push(outStart, out, next, t, acc);
  }
}
