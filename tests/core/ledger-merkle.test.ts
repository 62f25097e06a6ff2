import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  MerkleTree,
  emptyRoot,
  hashChildren,
  hashLeaf,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/core/ledger/merkle.ts';
import { hex, loadVector, VECTORS_DIR } from '../helpers/vectors.ts';

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ReferenceTree {
  leafInputsHex: string[];
  leafHashesHex: string[];
  rootHashesHexBySize: string[];
  nodeHashesHexByLevel: string[][];
}

const TESTDATA = join(VECTORS_DIR, 'merkle/testdata');

function loadCases<T>(kind: string): [string, T][] {
  const dir = join(TESTDATA, kind);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [
      relative(TESTDATA, join(dir, file)),
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as T,
    ]);
}

const b64 = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'base64'));
const proofOf = (proof: string[] | null): Uint8Array[] => (proof ?? []).map(b64);
const toHexString = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const inclusion = loadCases<InclusionCase>('inclusion');
const consistency = loadCases<ConsistencyCase>('consistency');
const reference = loadVector<ReferenceTree>('merkle/reference-tree.json');
const referenceLeaves = reference.leafInputsHex.map(hex);

/** MTH straight from the recursive definition of RFC 9162 §2.1.1, as an oracle. */
function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyRoot();
  if (leaves.length === 1) return hashLeaf(leaves[0] as Uint8Array);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
}

/** Distinct leaves, so that no two positions share a leaf hash. */
const leavesOf = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => new TextEncoder().encode(`leaf ${i}`));

describe('RFC 9162 Merkle vectors (transparency-dev/merkle)', () => {
  it('has every inclusion and consistency file the README counts', () => {
    expect(inclusion).toHaveLength(98);
    expect(inclusion.filter(([, c]) => !c.wantErr)).toHaveLength(6);
    expect(consistency).toHaveLength(98);
    expect(consistency.filter(([, c]) => !c.wantErr)).toHaveLength(6);
  });

  it.each(inclusion)('inclusion %s', (_name, c) => {
    const ok = verifyInclusion(
      c.leafIdx,
      c.treeSize,
      b64(c.leafHash),
      proofOf(c.proof),
      b64(c.root),
    );
    expect(ok).toBe(!c.wantErr);
  });

  it.each(consistency)('consistency %s', (_name, c) => {
    const ok = verifyConsistency(c.size1, c.size2, proofOf(c.proof), b64(c.root1), b64(c.root2));
    expect(ok).toBe(!c.wantErr);
  });

  // The subtreeinclusion/ and subtreeconsistency/ folders are skipped on purpose: they test proofs
  // for arbitrary subtrees [start, end) from the Merkle Tree Certificates draft
  // (draft-ietf-plants-merkle-tree-certs), a construction RFC 9162 does not define.
});

describe('the reference tree (testonly/constants.go)', () => {
  const tree = MerkleTree.fromLeaves(referenceLeaves);

  it('hashes every leaf and every prefix root, including the empty tree', () => {
    expect(referenceLeaves.map((leaf) => toHexString(hashLeaf(leaf)))).toEqual(
      reference.leafHashesHex,
    );
    const roots = reference.rootHashesHexBySize.map((_, n) => toHexString(tree.root(n)));
    expect(roots).toEqual(reference.rootHashesHexBySize);
    expect(toHexString(emptyRoot())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHexString(merkleRoot([]))).toBe(reference.rootHashesHexBySize[0]);
  });

  it('matches every complete-subtree node hash', () => {
    reference.nodeHashesHexByLevel.forEach((level, h) => {
      const width = 2 ** h;
      const computed = level.map((_, i) =>
        toHexString(merkleRoot(referenceLeaves.slice(i * width, (i + 1) * width))),
      );
      expect(computed).toEqual(level);
    });
  });

  it('generates exactly the proofs of the happy-path vectors', () => {
    const happy = inclusion.filter(([name]) => name.endsWith('happy-path.json'));
    expect(happy).toHaveLength(5);
    for (const [, c] of happy) {
      expect(tree.inclusionProof(c.leafIdx, c.treeSize)).toEqual(proofOf(c.proof));
    }
    const happyConsistency = consistency.filter(([name]) => name.endsWith('happy-path.json'));
    expect(happyConsistency).toHaveLength(5);
    for (const [, c] of happyConsistency) {
      expect(tree.consistencyProof(c.size1, c.size2)).toEqual(proofOf(c.proof));
    }
  });

  it('verifies its own proofs for every index, size and size pair', () => {
    for (let n = 1; n <= 8; n++) {
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        expect(verifyInclusion(i, n, tree.leafHash(i), proof, tree.root(n))).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, proof, tree.root(m), tree.root(n))).toBe(true);
      }
    }
  });
});

describe('MerkleTree', () => {
  it('keeps earlier roots after appends, equal to the recursive definition', () => {
    const leaves = leavesOf(70);
    const tree = new MerkleTree();
    const rootsWhileGrowing = leaves.map((leaf) => {
      tree.append(leaf);
      return toHexString(tree.root());
    });
    expect(tree.size).toBe(70);
    const recomputed = leaves.map((_, i) => toHexString(tree.root(i + 1)));
    expect(recomputed).toEqual(rootsWhileGrowing);
    expect(rootsWhileGrowing[69]).toBe(toHexString(referenceRoot(leaves)));
    expect(rootsWhileGrowing[40]).toBe(toHexString(referenceRoot(leaves.slice(0, 41))));
  });

  it('returns copies, so callers cannot corrupt the tree', () => {
    const tree = MerkleTree.fromLeaves(leavesOf(4));
    const root = tree.root();
    tree.root().fill(0);
    tree.leafHash(1).fill(0);
    tree.inclusionProof(0).forEach((hash) => hash.fill(0));
    expect(tree.root()).toEqual(root);
    expect(verifyInclusion(0, 4, tree.leafHash(0), tree.inclusionProof(0), root)).toBe(true);
  });

  it('refuses out-of-range arguments with a RangeError', () => {
    const tree = MerkleTree.fromLeaves(leavesOf(3));
    expect(() => tree.root(4)).toThrow(RangeError);
    expect(() => tree.inclusionProof(3)).toThrow(RangeError);
    expect(() => tree.inclusionProof(0, 0)).toThrow(RangeError);
    expect(() => tree.consistencyProof(4)).toThrow(RangeError);
    expect(() => tree.consistencyProof(-1)).toThrow(RangeError);
    expect(() => tree.leafHash(1.5)).toThrow(RangeError);
    expect(() => tree.appendLeafHash(new Uint8Array(31))).toThrow(TypeError);
  });
});

describe('Merkle proof properties', () => {
  const sizes = fc.integer({ min: 1, max: 300 });

  it('inclusion proofs verify, and fail for a flipped bit, another index or another size', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(), fc.nat(), (n, a, b, bit) => {
        const tree = MerkleTree.fromLeaves(leavesOf(n));
        const index = a % n;
        const leaf = tree.leafHash(index);
        const proof = tree.inclusionProof(index, n);
        const root = tree.root();
        expect(verifyInclusion(index, n, leaf, proof, root)).toBe(true);
        expect(toHexString(root)).toBe(toHexString(referenceRoot(leavesOf(n))));

        expect(verifyInclusion(index, n, flipBit(leaf, bit % 256), proof, root)).toBe(false);
        expect(verifyInclusion(index, n, leaf, proof, flipBit(root, bit % 256))).toBe(false);
        if (proof.length > 0) {
          const at = b % proof.length;
          const bad = proof.map((p, i) => (i === at ? flipBit(p, bit % 256) : p));
          expect(verifyInclusion(index, n, leaf, bad, root)).toBe(false);
          expect(verifyInclusion(index, n, leaf, proof.slice(1), root)).toBe(false);
        }
        expect(verifyInclusion(index, n, leaf, [...proof, leaf], root)).toBe(false);
        if (n > 1) {
          const other = (index + 1 + (b % (n - 1))) % n;
          expect(verifyInclusion(other, n, leaf, proof, root)).toBe(false);
        }
        // Another size, with that size's root (a checkpoint binds size and root together).
        const otherSize = index + 1 + (b % n);
        if (otherSize !== n) {
          const tree2 = MerkleTree.fromLeaves(leavesOf(Math.max(n, otherSize)));
          const root2 = tree2.root(otherSize);
          expect(verifyInclusion(index, otherSize, leaf, proof, root2)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('consistency proofs verify, and fail for a flipped bit or other sizes', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(), fc.nat(), (n, a, b, bit) => {
        const tree = MerkleTree.fromLeaves(leavesOf(n));
        const m = 1 + (a % n);
        const proof = tree.consistencyProof(m, n);
        const root1 = tree.root(m);
        const root2 = tree.root(n);
        expect(verifyConsistency(m, n, proof, root1, root2)).toBe(true);

        expect(verifyConsistency(m, n, proof, flipBit(root1, bit % 256), root2)).toBe(false);
        expect(verifyConsistency(m, n, proof, root1, flipBit(root2, bit % 256))).toBe(false);
        if (proof.length > 0) {
          const at = b % proof.length;
          const bad = proof.map((p, i) => (i === at ? flipBit(p, bit % 256) : p));
          expect(verifyConsistency(m, n, bad, root1, root2)).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(0, -1), root1, root2)).toBe(false);
        }
        expect(verifyConsistency(m, n, [...proof, root1], root1, root2)).toBe(false);
        const m2 = 1 + (b % n);
        if (m2 !== m) {
          expect(verifyConsistency(m2, n, proof, tree.root(m2), root2)).toBe(false);
        }
        if (m < n) {
          expect(verifyConsistency(m, n - 1, proof, root1, tree.root(n - 1))).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary sizes, indices, hashes and proofs', () => {
    const number = fc.oneof(
      fc.integer({ min: -3, max: 40 }),
      fc.constantFrom(NaN, Infinity, -0, 0.5, 2 ** 53, 2 ** 60, Number.MAX_SAFE_INTEGER),
    );
    const bytes = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 40 }),
    );
    const proof = fc.array(bytes, { maxLength: 8 });
    fc.assert(
      fc.property(number, number, bytes, proof, bytes, (x, y, h, p, r) => {
        expect(typeof verifyInclusion(x, y, h, p, r)).toBe('boolean');
        expect(typeof verifyConsistency(x, y, p, h, r)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    const junk = [undefined, null, 'x', {}, [1], new Uint8Array(32)] as unknown[];
    for (const value of junk) {
      const anyValue = value as Uint8Array & Uint8Array[] & number;
      expect(verifyInclusion(0, 1, anyValue, anyValue, anyValue)).toBe(false);
      expect(verifyConsistency(1, 2, anyValue, anyValue, anyValue)).toBe(false);
    }
    // A sparse array is not a proof.
    const sparse = new Array<Uint8Array>(2);
    expect(verifyInclusion(0, 4, new Uint8Array(32), sparse, new Uint8Array(32))).toBe(false);
  });

  it('handles sizes beyond 32 bits without bitwise overflow', () => {
    // A leaf at index 2^40 in a tree of 2^40 + 1 leaves: the path is one hash, the left subtree.
    const left = hashLeaf(new Uint8Array([1]));
    const leaf = hashLeaf(new Uint8Array([2]));
    const root = hashChildren(left, leaf);
    expect(verifyInclusion(2 ** 40, 2 ** 40 + 1, leaf, [left], root)).toBe(true);
    expect(verifyInclusion(2 ** 40 - 1, 2 ** 40 + 1, leaf, [left], root)).toBe(false);
    // Consistency from 2^40 to 2^40 + 1: the old root is the left subtree.
    expect(verifyConsistency(2 ** 40, 2 ** 40 + 1, [leaf], left, root)).toBe(true);
  });
});
