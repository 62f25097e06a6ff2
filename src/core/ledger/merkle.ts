/**
 * RFC 9162 Merkle trees over SHA-256: tree heads, inclusion proofs and consistency proofs.
 * `MerkleTree` keeps every complete-subtree hash, so appending is O(log n) and the root, an
 * inclusion proof or a consistency proof for any earlier size costs O(log² n) hashes at most.
 *
 * Proofs, sizes, indices and hashes given to `verifyInclusion` / `verifyConsistency` are
 * attacker-controlled: any malformed value (wrong length, bad number, wrong proof length)
 * yields `false`, never an exception.
 *
 * SHA-256 is synchronous (sha256.ts: WebAssembly once loaded, @noble/hashes before; WebCrypto's
 * digest is async and costs a promise per node).
 */
import { bytesEqual } from '../encoding/bytes.ts';
import { sha256Sync as sha256 } from '../crypto/hash.ts';

export const HASH_LENGTH = 32;

/** RFC 9162 §2.1.1 domain separation prefixes. */
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** Proofs longer than this cannot belong to a tree of at most 2^53 leaves. */
const MAX_PROOF_LENGTH = 2 * 53 + 1;

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1). A fresh copy on each call. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** MTH({d}) = SHA-256(0x00 || d) (RFC 9162 §2.1.1). */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + leaf.length);
  input[0] = LEAF_PREFIX;
  input.set(leaf, 1);
  return sha256(input);
}

const nodeInput = new Uint8Array(1 + 2 * HASH_LENGTH);
nodeInput[0] = NODE_PREFIX;

/** SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). Both inputs must be 32 bytes. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (!isHash(left) || !isHash(right)) throw new TypeError('hashChildren: hashes must be 32 bytes');
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_LENGTH);
  return sha256(nodeInput);
}

/** hashChildren of two hashes that lie side by side (64 bytes, left first). */
function hashPair(pair: Uint8Array): Uint8Array {
  nodeInput.set(pair, 1);
  return sha256(nodeInput);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

function isProof(proof: unknown): proof is readonly Uint8Array[] {
  if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return false;
  for (let i = 0; i < proof.length; i++) if (!isHash(proof[i])) return false; // holes too
  return true;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && largestPowerOfTwoAtMost(n) === n;
}

function largestPowerOfTwoAtMost(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return k;
}

/** The k of RFC 9162 §2.1.1: the largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  return largestPowerOfTwoAtMost(n - 1);
}

const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

/** A growable list of 32-byte hashes in one buffer. */
class HashList {
  private buffer = new Uint8Array(HASH_LENGTH * 64);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_LENGTH > this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer.set(hash, this.length * HASH_LENGTH);
    this.length++;
  }

  /** A view into the list; callers must not modify it. */
  at(index: number): Uint8Array {
    return this.buffer.subarray(index * HASH_LENGTH, (index + 1) * HASH_LENGTH);
  }

  /** Hashes `index` and `index + 1` as one 64-byte view; callers must not modify it. */
  pair(index: number): Uint8Array {
    return this.buffer.subarray(index * HASH_LENGTH, (index + 2) * HASH_LENGTH);
  }
}

/**
 * An append-only RFC 9162 tree. `levels[h][i]` is the hash of the complete subtree of 2^h
 * leaves starting at leaf i·2^h; level 0 holds the leaf hashes.
 */
export class MerkleTree {
  private readonly levels: HashList[] = [new HashList()];

  static fromLeaves(leaves: Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree();
    for (const leaf of leaves) tree.append(leaf);
    return tree;
  }

  get size(): number {
    return this.levels[0]?.length ?? 0;
  }

  /** Appends one entry (hashed as a leaf) and returns its index. */
  append(leaf: Uint8Array): number {
    return this.appendLeafHash(hashLeaf(leaf));
  }

  /** Appends an already computed leaf hash and returns its index. */
  appendLeafHash(leafHash: Uint8Array): number {
    if (!isHash(leafHash)) throw new TypeError('appendLeafHash: leaf hash must be 32 bytes');
    const index = this.size;
    this.level(0).push(leafHash);
    // Each odd index closes a pair at its level: hash it into the level above.
    for (let h = 0, i = index; isOdd(i); h++, i = half(i)) {
      this.level(h + 1).push(hashPair(this.level(h).pair(i - 1)));
    }
    return index;
  }

  leafHash(index: number): Uint8Array {
    this.checkIndex(index, this.size, 'leafHash');
    return this.level(0).at(index).slice();
  }

  /** MTH of the first `size` leaves (RFC 9162 §2.1.1). */
  root(size = this.size): Uint8Array {
    this.checkSize(size, 'root');
    return size === 0 ? emptyRoot() : this.subtreeHash(0, size).slice();
  }

  /** PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, ordered from the leaf up. */
  inclusionProof(index: number, size = this.size): Uint8Array[] {
    this.checkSize(size, 'inclusionProof');
    this.checkIndex(index, size, 'inclusionProof');
    const proof: Uint8Array[] = [];
    let start = 0;
    let n = size;
    let m = index;
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        proof.push(this.subtreeHash(start + k, n - k));
        n = k;
      } else {
        proof.push(this.subtreeHash(start, k));
        start += k;
        m -= k;
        n -= k;
      }
    }
    return proof.reverse().map((hash) => hash.slice());
  }

  /**
   * PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1. Empty when size1 is 0 or equals size2: there
   * is nothing to prove, and `verifyConsistency` accepts only the latter.
   */
  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    this.checkSize(size2, 'consistencyProof');
    if (!isSize(size1) || size1 > size2) {
      throw new RangeError(`consistencyProof: size1 must be 0..${size2}, got ${size1}`);
    }
    if (size1 === 0) return [];
    const proof: Uint8Array[] = [];
    let start = 0;
    let n = size2;
    let m = size1;
    let whole = true; // the b flag of SUBPROOF: m is still the complete old tree
    while (m < n) {
      const k = splitPoint(n);
      if (m <= k) {
        proof.push(this.subtreeHash(start + k, n - k));
        n = k;
      } else {
        proof.push(this.subtreeHash(start, k));
        start += k;
        m -= k;
        n -= k;
        whole = false;
      }
    }
    if (!whole) proof.push(this.subtreeHash(start, n));
    return proof.reverse().map((hash) => hash.slice());
  }

  /** MTH(D[start:start+n]) for n ≥ 1; complete aligned subtrees are looked up, not hashed. */
  private subtreeHash(start: number, n: number): Uint8Array {
    if (isPowerOfTwo(n) && start % n === 0) {
      let h = 0;
      for (let k = n; k > 1; k /= 2) h++;
      return this.level(h).at(start / n);
    }
    const k = splitPoint(n);
    return hashChildren(this.subtreeHash(start, k), this.subtreeHash(start + k, n - k));
  }

  private level(h: number): HashList {
    let level = this.levels[h];
    if (level === undefined) {
      level = new HashList();
      this.levels[h] = level;
    }
    return level;
  }

  private checkSize(size: number, what: string): void {
    if (!isSize(size) || size > this.size) {
      throw new RangeError(`${what}: size must be 0..${this.size}, got ${size}`);
    }
  }

  private checkIndex(index: number, size: number, what: string): void {
    if (!isSize(index) || index >= size) {
      throw new RangeError(`${what}: index must be below ${size}, got ${index}`);
    }
  }
}

/** MTH over the given entries (each hashed as a leaf). */
export function merkleRoot(leaves: Iterable<Uint8Array>): Uint8Array {
  return MerkleTree.fromLeaves(leaves).root();
}

/**
 * RFC 9162 §2.1.3.2: does `proof` show that `leafHash` is leaf `index` of the tree of `size`
 * leaves whose root is `root`? Every argument is untrusted. The size is only meaningful together
 * with its root (as a signed checkpoint binds them): a proof can verify against the same root at
 * another size whose path has the same shape.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(index) || !isSize(size) || index >= size) return false;
  if (!isHash(leafHash) || !isHash(root) || !isProof(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree (size1, root1) is a prefix of the tree
 * (size2, root2)? Every argument is untrusted. As in transparency-dev/merkle, size1 = 0 is always
 * rejected (an empty tree proves nothing), and size1 = size2 needs an empty proof and equal roots.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isSize(size1) || !isSize(size2) || size1 === 0 || size1 > size2) return false;
  if (size1 === size2) {
    // A tree is consistent with itself; like transparency-dev/merkle, roots of any length.
    const bytes = root1 instanceof Uint8Array && root2 instanceof Uint8Array;
    return bytes && Array.isArray(proof) && proof.length === 0 && bytesEqual(root1, root2);
  }
  if (!isHash(root1) || !isHash(root2) || !isProof(proof)) return false;
  if (proof.length === 0) return false; // step 1
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof; // step 2
  let fn = size1 - 1; // step 3
  let sn = size2 - 1;
  while (isOdd(fn)) {
    // step 4
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array; // step 5
  let sr = fr;
  for (const c of path.slice(1)) {
    // step 6
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2); // step 7
}
