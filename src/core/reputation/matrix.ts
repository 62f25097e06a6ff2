/**
 * The trust matrix, both ways round. The input's edges are sorted by (to, from), so target i's
 * in-edges are one block (inStart) and its sources are input.edges.from itself: that is Cᵀ in
 * CSR form, which the iteration pulls along. A stable counting sort by source gives each row
 * of C (a source's kept edges, in target order), where the row is normalised with sequential
 * reads and writes only, and the same pass leaves the rows as the out-edges the iteration
 * pushes along (iterate.ts).
 *
 * A row is normalised to exactly 2^20 over its kept edges (weight > 0, neither end zeroed):
 * entry ⌊w·2^20 / Σw⌋, the rounding remainder 2^20 − Σ entries to its heaviest edge (the first
 * in target order among equals), then each entry × its target's multiplier × (1024 − a) / 2^20.
 * Exact: Σw ≤ 2^24 edges × 2^24 = 2^48; w·2^20 ≤ 2^44 and ⌊a / b⌋ of whole numbers below 2^53
 * is one division (`quotient`); an entry × multiplier × (1024 − a) ≤ 2^20 × 2^10 × 2^10 = 2^40,
 * and dividing that by 2^20 only moves the exponent.
 *
 * Every loop is a kernel (typed arrays and numbers in, one loop nest, nothing after it), so V8
 * optimizes it whole in Node, on a page and in a Worker.
 */
import { ONE, quotient } from './integer.ts';

export interface Matrix {
  /** In-edges of target i are edges inStart[i] .. inStart[i + 1] − 1 (sources in index order). */
  inStart: Uint32Array;
  /** Per edge: matrix entry × multiplier × (1 − a), fixed point 2^20; 0 for a cut edge. */
  inWeight: Uint32Array;
  /** Kept out-edges of source j: k = outStart[j] .. outStart[j + 1] − 1, target out[2k], entry out[2k + 1]. */
  outStart: Uint32Array;
  out: Uint32Array;
}

/** inStart[i] = the first edge into target i, inStart[n] = m (edges are sorted by target). */
function blockStarts(to: Uint32Array, inStart: Uint32Array): void {
  const n = inStart.length - 1;
  const m = to.length;
  inStart[n] = m; // every edge's target is below n (checkInput)
  for (let i = 0, e = 0; i < n; i++) {
    inStart[i] = e;
    while (e < m && to[e] === i) e++;
  }
}

/** outStart[j + 1] = the number of j's kept edges. */
function countKept(
  from: Uint32Array,
  weight: Uint32Array,
  inStart: Uint32Array,
  zeroed: Uint8Array,
  outStart: Uint32Array,
): void {
  for (let i = 0; i + 1 < inStart.length; i++) {
    const end = zeroed[i] === 1 ? 0 : (inStart[i + 1] as number);
    for (let e = inStart[i] as number; e < end; e++) {
      const j = from[e] as number;
      if (weight[e] === 0 || zeroed[j] === 1) continue;
      outStart[j + 1] = (outStart[j + 1] as number) + 1;
    }
  }
}

function prefixSums(start: Uint32Array): void {
  for (let j = 1; j < start.length; j++) start[j] = (start[j] as number) + (start[j - 1] as number);
}

/**
 * The kept edges by source, each source's in target order (edges come in target order): kept
 * edge k's target and weight at out[2k], out[2k + 1], its input index at index[k]. `cursor`
 * starts as a copy of outStart.
 */
function sortBySource(
  edges: { from: Uint32Array; weight: Uint32Array; inStart: Uint32Array },
  zeroed: Uint8Array,
  cursor: Uint32Array,
  out: Uint32Array,
  index: Uint32Array,
): void {
  const { from, weight, inStart } = edges;
  for (let i = 0; i + 1 < inStart.length; i++) {
    const end = zeroed[i] === 1 ? 0 : (inStart[i + 1] as number);
    for (let e = inStart[i] as number; e < end; e++) {
      const j = from[e] as number;
      const w = weight[e] as number;
      if (w === 0 || zeroed[j] === 1) continue;
      const k = cursor[j] as number;
      out[2 * k] = i;
      out[2 * k + 1] = w;
      index[k] = e;
      cursor[j] = k + 1;
    }
  }
}

/**
 * Normalises and scales each row (see the module header) in place in `out`, weight by entry,
 * and writes each entry to inWeight at its input index. `scale[i]` = multiplier × (1024 − a).
 */
function normalise(
  outStart: Uint32Array,
  out: Uint32Array,
  index: Uint32Array,
  scale: Uint32Array,
  inWeight: Uint32Array,
): void {
  for (let j = 0; j + 1 < outStart.length; j++) {
    const lo = outStart[j] as number;
    const hi = outStart[j + 1] as number;
    let sum = 0;
    let top = 0;
    let heaviest = lo;
    for (let k = lo; k < hi; k++) {
      const w = out[2 * k + 1] as number;
      sum += w;
      if (w > top) {
        top = w;
        heaviest = k;
      }
    }
    let given = 0;
    for (let k = lo; k < hi; k++) {
      const c = quotient((out[2 * k + 1] as number) * ONE, sum);
      given += c;
      const v = Math.floor((c * (scale[out[2 * k] as number] as number)) / ONE);
      inWeight[index[k] as number] = v;
      out[2 * k + 1] = v;
    }
    if (hi === lo) continue;
    // The heaviest edge's raw entry (the same quotient again) takes the remainder: ≤ 2^20.
    const raw = quotient(top * ONE, sum) + ONE - given;
    const v = Math.floor((raw * (scale[out[2 * heaviest] as number] as number)) / ONE);
    inWeight[index[heaviest] as number] = v;
    out[2 * heaviest + 1] = v;
  }
}

/** multiplier × keep (≤ 1024 × 1024) per target. */
function scales(multiplier: Uint32Array, keep: number, scale: Uint32Array): void {
  for (let i = 0; i < multiplier.length; i++) scale[i] = (multiplier[i] as number) * keep;
}

/**
 * The matrix of `edges` (sorted by (to, from), checked) over n systems, cut at the zeroed
 * ones, each target scaled by multiplier × keep / 1024 (keep = 1024 − a).
 */
export function trustMatrix(
  edges: { from: Uint32Array; to: Uint32Array; weight: Uint32Array },
  shares: { multiplier: Uint32Array; zeroed: Uint8Array },
  keep: number,
): Matrix {
  const { from, to, weight } = edges;
  const { multiplier, zeroed } = shares;
  const n = multiplier.length;
  const inStart = new Uint32Array(n + 1);
  blockStarts(to, inStart);
  const outStart = new Uint32Array(n + 1);
  countKept(from, weight, inStart, zeroed, outStart);
  prefixSums(outStart);
  const kept = outStart[n] as number;
  const out = new Uint32Array(2 * kept);
  const index = new Uint32Array(kept);
  sortBySource({ from, weight, inStart }, zeroed, outStart.slice(0, n), out, index);
  const scale = new Uint32Array(n);
  scales(multiplier, keep, scale);
  const inWeight = new Uint32Array(from.length);
  normalise(outStart, out, index, scale, inWeight);
  return { inStart, inWeight, outStart, out };
}
