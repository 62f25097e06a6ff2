// SHA-256 (FIPS 180-4) in AssemblyScript, for RFC 9162 Merkle trees: one call hashes a whole
// level of interior nodes, or a batch of leaves, so the JS-to-WebAssembly call costs once per
// batch instead of once per hash. Built by wasm/build.mjs; the JS side is
// src/core/crypto/merkle-kernel.ts.
//
// Memory: this module's static data (the round constants and two scratch blocks), then, from
// `scratch()`, an area the caller fills and reads. Inputs there are written by our own code;
// every pointer and length is checked by the caller (merkle-kernel.ts) before a call.

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
// 64 primes.
const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** The message schedule W[0..63] (FIPS 180-4 §6.2.2 step 1). */
const W: usize = memory.data(256, 16);
/** One 64-byte message block, assembled from the input (prefix byte, data, padding). */
const BLOCK: usize = memory.data(64, 16);
/** The eight working hash words H0..H7. */
const STATE: usize = memory.data(32, 16);

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;
const PAGE: usize = 65536;

function Ch(x: u32, y: u32, z: u32): u32 {
  return (x & y) ^ (~x & z);
}

function Maj(x: u32, y: u32, z: u32): u32 {
  return (x & y) ^ (x & z) ^ (y & z);
}

function Sigma0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}

function Sigma1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}

function sigma0(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}

function sigma1(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}

/** H(0) of FIPS 180-4 §5.3.3. */
function initState(): void {
  store<u32>(STATE, 0x6a09e667, 0);
  store<u32>(STATE, 0xbb67ae85, 4);
  store<u32>(STATE, 0x3c6ef372, 8);
  store<u32>(STATE, 0xa54ff53a, 12);
  store<u32>(STATE, 0x510e527f, 16);
  store<u32>(STATE, 0x9b05688c, 20);
  store<u32>(STATE, 0x1f83d9ab, 24);
  store<u32>(STATE, 0x5be0cd19, 28);
}

/** FIPS 180-4 §6.2.2: folds the 64-byte block at BLOCK into STATE. */
function compress(): void {
  for (let t: usize = 0; t < 16; t++)
    store<u32>(W + (t << 2), bswap<u32>(load<u32>(BLOCK + (t << 2))));
  for (let t: usize = 16; t < 64; t++) {
    const w2 = load<u32>(W + ((t - 2) << 2));
    const w7 = load<u32>(W + ((t - 7) << 2));
    const w15 = load<u32>(W + ((t - 15) << 2));
    const w16 = load<u32>(W + ((t - 16) << 2));
    store<u32>(W + (t << 2), sigma1(w2) + w7 + sigma0(w15) + w16);
  }
  let a = load<u32>(STATE, 0);
  let b = load<u32>(STATE, 4);
  let c = load<u32>(STATE, 8);
  let d = load<u32>(STATE, 12);
  let e = load<u32>(STATE, 16);
  let f = load<u32>(STATE, 20);
  let g = load<u32>(STATE, 24);
  let h = load<u32>(STATE, 28);
  const k = changetype<usize>(K);
  for (let t: usize = 0; t < 64; t++) {
    const t1 = h + Sigma1(e) + Ch(e, f, g) + load<u32>(k + (t << 2)) + load<u32>(W + (t << 2));
    const t2 = Sigma0(a) + Maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  store<u32>(STATE, load<u32>(STATE, 0) + a, 0);
  store<u32>(STATE, load<u32>(STATE, 4) + b, 4);
  store<u32>(STATE, load<u32>(STATE, 8) + c, 8);
  store<u32>(STATE, load<u32>(STATE, 12) + d, 12);
  store<u32>(STATE, load<u32>(STATE, 16) + e, 16);
  store<u32>(STATE, load<u32>(STATE, 20) + f, 20);
  store<u32>(STATE, load<u32>(STATE, 24) + g, 24);
  store<u32>(STATE, load<u32>(STATE, 28) + h, 28);
}

/**
 * SHA-256(prefix || data[0..len)) into out (32 bytes), with the padding of FIPS 180-4 §5.1.1.
 * `out` may overlap the data: it is written only after the last block was read.
 */
function hashPrefixed(prefix: u8, data: usize, len: usize, out: usize): void {
  initState();
  store<u8>(BLOCK, prefix);
  let fill: usize = 1;
  let at: usize = 0;
  while (len - at >= 64 - fill) {
    memory.copy(BLOCK + fill, data + at, 64 - fill);
    at += 64 - fill;
    fill = 0;
    compress();
  }
  const rest = len - at;
  memory.copy(BLOCK + fill, data + at, rest);
  fill += rest;
  store<u8>(BLOCK + fill, 0x80);
  fill++;
  if (fill > 56) {
    memory.fill(BLOCK + fill, 0, 64 - fill);
    compress();
    fill = 0;
  }
  memory.fill(BLOCK + fill, 0, 56 - fill);
  store<u64>(BLOCK + 56, bswap<u64>((<u64>(len + 1)) << 3));
  compress();
  for (let i: usize = 0; i < 8; i++)
    store<u32>(out + (i << 2), bswap<u32>(load<u32>(STATE + (i << 2))));
}

/** Where the caller's area starts: after the static data, 16-byte aligned. */
export function scratch(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/**
 * Makes the caller's area at least `bytes` long (growing memory when needed) and returns its
 * start, or 0 when memory cannot grow that far.
 */
export function reserve(bytes: usize): usize {
  const base = scratch();
  const end = base + bytes;
  const have = <usize>memory.size() * PAGE;
  if (end > have) {
    const pages = <i32>((end - have + PAGE - 1) / PAGE);
    if (memory.grow(pages) < 0) return 0;
  }
  return base;
}

/**
 * One RFC 9162 §2.1.1 level: node i = SHA-256(0x01 || in[64i..64i+32) || in[64i+32..64i+64)),
 * written to out + 32i, for i < pairs. `out` may equal `input` (a level halves in place).
 */
export function hashNodes(input: usize, pairs: usize, out: usize): void {
  for (let i: usize = 0; i < pairs; i++)
    hashPrefixed(NODE_PREFIX, input + (i << 6), 64, out + (i << 5));
}

/**
 * RFC 9162 §2.1.1 leaf hashes: leaf i = SHA-256(0x00 || data[ends[i-1]..ends[i])) (ends[-1] is
 * 0; `ends` holds u32 offsets into `data`), written to out + 32i.
 */
export function hashLeaves(data: usize, ends: usize, count: usize, out: usize): void {
  let start: usize = 0;
  for (let i: usize = 0; i < count; i++) {
    const end = <usize>load<u32>(ends + (i << 2));
    hashPrefixed(LEAF_PREFIX, data + start, end - start, out + (i << 5));
    start = end;
  }
}

/**
 * MTH over `count` ≥ 1 leaf hashes at `level` (RFC 9162 §2.1.1), level by level in place: each
 * level pairs its nodes left to right and carries a last odd node up unchanged, which gives
 * the same root as the recursive split at the largest power of two. The root is left in the
 * first 32 bytes of `level`; the leaf hashes are overwritten.
 */
export function rootInPlace(level: usize, count: usize): void {
  let n = count;
  while (n > 1) {
    const pairs = n >> 1;
    hashNodes(level, pairs, level);
    if (n & 1) memory.copy(level + (pairs << 5), level + ((n - 1) << 5), 32);
    n = pairs + (n & 1);
  }
}
