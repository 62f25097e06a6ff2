/**
 * What the engine returns besides the iteration's numbers: `scoreHash` over the score vector,
 * the ranking, and the did → score map. Integers only: the ranking is a stable radix sort of
 * whole keys, the hash covers decimal ASCII written digit by digit.
 */
import { sha256Sync } from '../crypto/hash.ts';
import { toHex, utf8Encode } from '../encoding/bytes.ts';
import { PPB } from './integer.ts';

const SCORE_DOMAIN = 'patchtrail reputation scores v1\n';

/**
 * Writes a whole number 0 ≤ v < 2^32 in decimal ASCII at `at`; returns the new end. The
 * quotient by 10 is exact: one division of whole numbers below 2^53 (see `quotient`), then
 * ToUint32, which truncates, and truncating a non-negative number below 2^32 is flooring.
 */
function writeDecimal(out: Uint8Array, at: number, v: number): number {
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++;
  for (let k = at + digits - 1, x = v; k >= at; k--) {
    const q = (x / 10) >>> 0;
    out[k] = 0x30 + x - q * 10;
    x = q;
  }
  return at + digits;
}

/** From `did`'s first code unit past ASCII on: its UTF-8 (not did:key, but still canonical). */
function writeRest(out: Uint8Array, at: number, did: string, k: number): number {
  const rest = utf8Encode(did.slice(k));
  out.set(rest, at);
  return at + rest.length;
}

/**
 * Writes `did` as UTF-8 at `at`, ASCII by hand; returns the new end, or −1 at a code unit past
 * ASCII when `out` was sized for ASCII only.
 */
function writeDid(out: Uint8Array, at: number, did: string, ascii: boolean): number {
  for (let k = 0; k < did.length; k++) {
    const c = did.charCodeAt(k);
    if (c >= 0x80) return ascii ? -1 : writeRest(out, at + k, did, k);
    out[at + k] = c;
  }
  return at + did.length;
}

/** The "<did> <ppb>\n" lines from `at`; returns the end (−1: see writeDid). */
function writeLines(
  out: Uint8Array,
  at: number,
  dids: readonly string[],
  ppb: Uint32Array,
  ascii: boolean,
): number {
  for (let i = 0; i < dids.length; i++) {
    at = writeDid(out, at, dids[i] as string, ascii);
    if (at < 0) return -1;
    out[at] = 0x20;
    at = writeDecimal(out, at + 1, ppb[i] as number);
    out[at++] = 0x0a;
  }
  return at;
}

/** Σ (code units + 12): the lines' size at most if every did is ASCII (space, 10 digits, "\n"). */
function asciiBound(dids: readonly string[]): number {
  let size = 0;
  for (let i = 0; i < dids.length; i++) size += (dids[i] as string).length + 12;
  return size;
}

/**
 * The bytes `scoreHash` covers: "patchtrail reputation scores v1\n", the params hash and "\n",
 * then one line "<did> <ppb>\n" per system in did order (UTF-8; ppb in decimal). Written into
 * a buffer sized for ASCII dids, and again into one 3 bytes per code unit when one is not.
 */
export function scoreBytes(dids: readonly string[], ppb: Uint32Array, params: string): Uint8Array {
  const head = utf8Encode(`${SCORE_DOMAIN}${params}\n`);
  const size = asciiBound(dids);
  for (const ascii of [true, false]) {
    const out = new Uint8Array(head.length + (ascii ? size : 3 * size));
    out.set(head);
    const end = writeLines(out, head.length, dids, ppb, ascii);
    if (end >= 0) return out.subarray(0, end);
  }
  throw new Error('unreachable: a UTF-8 line takes at most 3 bytes per code unit + 12');
}

/** "sha256:" + hex SHA-256 of `scoreBytes`. */
export function scoreHashOf(dids: readonly string[], ppb: Uint32Array, params: string): string {
  return `sha256:${toHex(sha256Sync(scoreBytes(dids, ppb, params)))}`;
}

const DIGIT_BITS = 10;
const DIGITS = 1 << DIGIT_BITS;

/**
 * One stable counting-sort pass of `order` into `out` by the digit of 10^9 − ppb at `shift`
 * (10^9 − ppb is whole, 0 … 10^9 < 2^30). Returns false, leaving `out` alone, when every
 * index has the same digit (the pass would not move anything).
 */
function radixPass(
  ppb: Uint32Array,
  order: Uint32Array,
  out: Uint32Array,
  start: Uint32Array,
  shift: number,
): boolean {
  start.fill(0);
  for (let i = 0; i < ppb.length; i++) {
    const d = ((PPB - (ppb[i] as number)) >>> shift) & (DIGITS - 1);
    start[d] = (start[d] as number) + 1;
  }
  let at = 0;
  for (let d = 0; d < DIGITS; d++) {
    const count = start[d] as number;
    if (count === ppb.length) return false;
    start[d] = at;
    at += count;
  }
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const d = ((PPB - (ppb[i] as number)) >>> shift) & (DIGITS - 1);
    const at = start[d] as number;
    out[at] = i;
    start[d] = at + 1;
  }
  return true;
}

function identity(order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
}

/**
 * Node indexes from the highest score down, equal scores in index (did) order: a stable LSD
 * radix sort of the indexes 0 … n − 1 by 10^9 − ppb, three 10-bit digits (30 bits).
 */
export function ranking(ppb: Uint32Array): Uint32Array {
  let order = new Uint32Array(ppb.length);
  let spare = new Uint32Array(ppb.length);
  const start = new Uint32Array(DIGITS);
  identity(order);
  for (let shift = 0; shift < 30; shift += DIGIT_BITS)
    if (radixPass(ppb, order, spare, start, shift)) [order, spare] = [spare, order];
  return order;
}

/** The dids from the highest score down (see `ranking`). */
export function rankedDids(dids: readonly string[], ppb: Uint32Array): string[] {
  const rank = ranking(ppb);
  const out: string[] = [];
  for (let k = 0; k < rank.length; k++) out.push(dids[rank[k] as number] as string);
  return out;
}

/** did → ppb. */
export function scoreMap(dids: readonly string[], ppb: Uint32Array): Map<string, number> {
  const scores = new Map<string, number>();
  for (let i = 0; i < dids.length; i++) scores.set(dids[i] as string, ppb[i] as number);
  return scores;
}
