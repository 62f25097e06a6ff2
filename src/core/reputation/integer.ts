/**
 * Integer arithmetic for the reputation engine. Every quantity is a whole number below 2^53,
 * where IEEE-754 doubles are exact, so Node, Chromium and any other conforming engine compute
 * the same bits: additions and multiplications stay exact under the bounds noted at each use,
 * a division by a power of two only moves the exponent (exact), and any other division goes
 * through `floorDiv`, which corrects the rounded quotient. No Math.exp/pow/log, no fractions.
 */

/** Scores are parts per billion of all trust. */
export const PPB = 1_000_000_000;
/** Parameters and multipliers are parts per 1024. */
export const UNIT = 1024;
/** Internal fixed point of the trust matrix and the pre-trust vector: 2^20. */
export const ONE = 1_048_576;
/** One edge's weight saturates here (2^24), so a row's sum stays below 2^50 at MAX_EDGES. */
export const MAX_EDGE_WEIGHT = 16_777_216;
/** Edges one input may hold (2^26). */
export const MAX_EDGES = 67_108_864;
/** Systems one input may hold (2^24). */
export const MAX_NODES = 16_777_216;
/** A system's summed stake saturates here (2^40) before the configured cap applies. */
export const MAX_STAKE = 1_099_511_627_776;

/** ⌊a / b⌋ for whole numbers 0 ≤ a < 2^52, 0 < b < 2^52, exact whatever the rounding of a / b. */
export function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

/**
 * ⌊a / b⌋ for whole numbers 0 ≤ a < 2^53, 1 ≤ b < 2^53 with one division: exact. Both are
 * doubles exactly; if a / b is whole it is exact. Otherwise ⌊a / b⌋ = m < a / b < m + 1, and
 * rounding, being monotonic, lands in [m, m + 1]; it reaches m + 1 only if m + 1 − a / b ≤
 * 2^-53 · a / b, but m + 1 − a / b = ((m + 1)·b − a) / b ≥ 1 / b, which would need a ≥ 2^53.
 */
export function quotient(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Code-unit order (byte order for the ASCII of did:key and entry ids). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Seconds since the epoch of an advisory ledger time ("YYYY-MM-DDTHH:MM:SSZ"). */
export function isoSeconds(time: string): number {
  const ms = Date.parse(time);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(time) || Number.isNaN(ms))
    throw new RangeError(`reputation: "${time}" is not a UTC time like 2026-01-31T12:00:00Z`);
  return ms / 1000;
}

/** Adds whole numbers, saturating at `limit`. */
export function saturatingAdd(a: number, b: number, limit: number): number {
  return a + b >= limit ? limit : a + b;
}
