/**
 * EigenTrust (Kamvar, Schlosser and Garcia-Molina, WWW 2003, with its pre-trusted peers and
 * its rows of p for peers that trust nobody) in integers: t ← (1 − a)·Cᵀt + a·p, where all the
 * trust that does not flow along an edge — the a share, what a system with no kept edges out
 * holds, trust held back by a penalty or by posture, and what rounding drops — returns to
 * pre-trust: t'ᵢ = ⌊(Cᵀt)ᵢ⌋ + ⌊R·pᵢ⌋ with R = 1e9 − Σ⌊(Cᵀt)⌋.
 * Scores therefore stay whole parts per billion and sum to at most 1e9 at every step.
 *
 * Pure and deterministic: the input is plain data (see types.ts: it can be posted to a Worker
 * and its Uint32Arrays transferred), the iteration runs in did order, stops after
 * `maxIterations` or once the L1 change is at most `deltaPpb`, and every operation is exact
 * (integer.ts), so every engine computes the same bits, and `scoreHash` says so.
 */
import { sha256Sync } from '../crypto/hash.ts';
import { toHex, utf8Encode } from '../encoding/bytes.ts';
import { ONE, PPB } from './integer.ts';
import { checkInput } from './check.ts';
import { prepareModel, type Model } from './model.ts';
import { checkParams, paramsHash, type ReputationParams } from './params.ts';
import type { ReputationInput, ReputationResult } from './types.ts';

const SCORE_DOMAIN = 'patchtrail reputation scores v1\n';

interface Run {
  ppb: Uint32Array;
  iterations: number;
  converged: boolean;
  delta: number;
  teleport: number;
}

/** flow = ⌊Cᵀt⌋ along the CSR rows; returns Σ flow. */
function propagate(model: Model, t: Uint32Array, flow: Uint32Array): number {
  const { n, inStart, inSource, inWeight } = model;
  let flowed = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const end = inStart[i + 1] as number;
    for (; e < end; e++) acc += (inWeight[e] as number) * (t[inSource[e] as number] as number);
    const f = Math.floor(acc / ONE);
    flow[i] = f;
    flowed += f;
  }
  return flowed;
}

/** next = flow + ⌊R·p⌋; returns the L1 distance from t. */
function teleport(
  pretrust: Uint32Array,
  flow: Uint32Array,
  r: number,
  t: Uint32Array,
  next: Uint32Array,
): number {
  let delta = 0;
  for (let i = 0; i < t.length; i++) {
    const v = (flow[i] as number) + Math.floor((r * (pretrust[i] as number)) / ONE);
    const before = t[i] as number;
    delta += v > before ? v - before : before - v;
    next[i] = v;
  }
  return delta;
}

/**
 * The power iteration over the CSR matrix. Bounds: a score ≤ 1e9 < 2^30 and a matrix entry
 * ≤ 2^20, and each source's entries sum to ≤ 2^20, so every accumulator stays below 2^50;
 * R·pᵢ ≤ 1e9·2^20 < 2^50; dividing by 2^20 is exact.
 */
function iterate(model: Model, params: ReputationParams): Run {
  const { n, pretrust } = model;
  let t = new Uint32Array(n);
  let next = new Uint32Array(n);
  const flow = new Uint32Array(n);
  for (let i = 0; i < n; i++) t[i] = Math.floor((PPB * (pretrust[i] as number)) / ONE);
  let iterations = 0;
  let delta = 0;
  let r = 0;
  while (iterations < params.maxIterations) {
    iterations++;
    r = PPB - propagate(model, t, flow);
    delta = teleport(pretrust, flow, r, t, next);
    [t, next] = [next, t];
    if (delta <= params.deltaPpb)
      return { ppb: t, iterations, converged: true, delta, teleport: r };
  }
  return { ppb: t, iterations, converged: false, delta, teleport: r };
}

/** Writes a whole number 0 ≤ v < 2^32 in decimal ASCII at `at`; returns the new end. */
function writeDecimal(out: Uint8Array, at: number, v: number): number {
  let digits = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let k = digits - 1, x = v; k >= 0; k--, x = Math.floor(x / 10))
    out[at + k] = 0x30 + (x % 10);
  return at + digits;
}

/**
 * The bytes `scoreHash` covers: "patchtrail reputation scores v1\n", the params hash and "\n",
 * then one line "<did> <ppb>\n" per system in did order (UTF-8; ppb in decimal).
 */
export function scoreBytes(dids: readonly string[], ppb: Uint32Array, params: string): Uint8Array {
  const head = utf8Encode(`${SCORE_DOMAIN}${params}\n`);
  let size = head.length;
  for (const did of dids) size += did.length * 3 + 12;
  const out = new Uint8Array(size);
  out.set(head);
  let at = head.length;
  for (let i = 0; i < dids.length; i++) {
    const did = dids[i] as string;
    for (let k = 0; k < did.length; k++) {
      const c = did.charCodeAt(k);
      if (c < 0x80) {
        out[at++] = c;
        continue;
      }
      const rest = utf8Encode(did.slice(k)); // not did:key, but still canonical
      out.set(rest, at);
      at += rest.length;
      break;
    }
    out[at++] = 0x20;
    at = writeDecimal(out, at, ppb[i] as number);
    out[at++] = 0x0a;
  }
  return out.subarray(0, at);
}

/** "sha256:" + hex SHA-256 of `scoreBytes`. */
export function scoreHashOf(dids: readonly string[], ppb: Uint32Array, params: string): string {
  return `sha256:${toHex(sha256Sync(scoreBytes(dids, ppb, params)))}`;
}

/**
 * Node indexes from the highest score down, equal scores in index (did) order: a numeric sort
 * of (1e9 − ppb)·n + index, which is exact while (1e9 + 1)·n < 2^53 (n ≤ 9 million).
 */
function ranking(ppb: Uint32Array): Uint32Array {
  const n = ppb.length;
  if ((PPB + 1) * n >= Number.MAX_SAFE_INTEGER)
    return Uint32Array.from(ppb.keys()).sort(
      (a, b) => (ppb[b] as number) - (ppb[a] as number) || a - b,
    );
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (PPB - (ppb[i] as number)) * n + i;
  keys.sort();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = (keys[i] as number) % n;
  return out;
}

/** Global trust for every system in `input`, as whole parts per billion. */
export function computeReputation(
  input: ReputationInput,
  params: ReputationParams,
): ReputationResult {
  checkParams(params);
  checkInput(input);
  const run = iterate(prepareModel(input, params), params);
  const dids = input.nodes.map((node) => node.did);
  const scores = new Map<string, number>();
  for (let i = 0; i < dids.length; i++) scores.set(dids[i] as string, run.ppb[i] as number);
  const hash = paramsHash(params);
  return {
    scores,
    ppb: run.ppb,
    order: Array.from(ranking(run.ppb), (i) => dids[i] as string),
    iterations: run.iterations,
    converged: run.converged,
    delta: run.delta,
    teleport: run.teleport,
    scoreHash: scoreHashOf(dids, run.ppb, hash),
    paramsHash: hash,
    params: structuredClone(params),
  };
}
