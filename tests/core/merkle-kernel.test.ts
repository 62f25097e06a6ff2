/**
 * The WebAssembly Merkle kernel (wasm/assembly/sha256.ts) and its one-hash-per-call fallback:
 * RFC 9162 vectors, and agreement with the TypeScript tree (ledger/merkle.ts) on random input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  makeJsMerkleHasher,
  makeMerkleHasher,
  type MerkleHasher,
} from '../../src/core/crypto/merkle-kernel.ts';
import { concatBytes } from '../../src/core/encoding/bytes.ts';
import { MerkleTree, hashLeaf } from '../../src/core/ledger/merkle.ts';
import { hex, loadVector } from '../helpers/vectors.ts';

interface ReferenceTree {
  leafInputsHex: string[];
  leafHashesHex: string[];
  rootHashesHexBySize: string[];
  nodeHashesHexByLevel: string[][];
}

const reference = loadVector<ReferenceTree>('merkle/reference-tree.json');
const leaves = reference.leafInputsHex.map(hex);
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const split = (level: Uint8Array) =>
  Array.from({ length: level.length / 32 }, (_, i) => toHex(level.subarray(32 * i, 32 * i + 32)));

const engines: [string, () => Promise<MerkleHasher>][] = [
  ['wasm', makeMerkleHasher],
  ['js', () => Promise.resolve(makeJsMerkleHasher())],
];

describe.each(engines)('merkle hasher (%s)', (name, make) => {
  it('is the engine it says it is', async () => {
    expect((await make()).engine).toBe(name);
  });

  it('hashes leaves as the RFC 9162 vectors do, empty leaf included', async () => {
    const hasher = await make();
    expect(split(hasher.hashLeaves(leaves))).toEqual(reference.leafHashesHex);
    expect(hasher.hashLeaves([]).length).toBe(0);
  });

  it("computes every level of the vectors' tree, and the root of every prefix", async () => {
    const hasher = await make();
    let level = hasher.hashLeaves(leaves);
    for (const expected of reference.nodeHashesHexByLevel.slice(1)) {
      level = hasher.hashLevel(level);
      expect(split(level).slice(0, expected.length)).toEqual(expected);
    }
    reference.rootHashesHexBySize.forEach((root, size) => {
      const leafHashes = hasher.hashLeaves(leaves.slice(0, size));
      expect(toHex(hasher.rootOfLeafHashes(leafHashes)), `size ${size}`).toBe(root);
    });
  });

  it('agrees with the TypeScript tree on random leaves (roots, levels, leaf hashes)', async () => {
    const hasher = await make();
    const leaf = fc.uint8Array({ maxLength: 200 });
    fc.assert(
      fc.property(fc.array(leaf, { maxLength: 70 }), (batch) => {
        const tree = MerkleTree.fromLeaves(batch);
        const leafHashes = hasher.hashLeaves(batch);
        expect(leafHashes).toEqual(concatBytes(...batch.map(hashLeaf)));
        expect(hasher.rootOfLeafHashes(leafHashes)).toEqual(tree.root());
      }),
      { numRuns: 200 },
    );
  });

  it('leaves its input level untouched and carries an odd last hash up', async () => {
    const hasher = await make();
    const level = Uint8Array.from({ length: 5 * 32 }, (_, i) => (i * 37) & 0xff);
    const before = level.slice();
    const up = hasher.hashLevel(level);
    expect(level).toEqual(before);
    expect(up.length).toBe(3 * 32);
    expect(up.subarray(64)).toEqual(level.subarray(128));
  });

  it('refuses a level that is not whole hashes', async () => {
    const hasher = await make();
    expect(() => hasher.hashLevel(new Uint8Array(33))).toThrow(RangeError);
  });
});

describe('merkle kernel against the fallback', () => {
  it('gives the same bytes on random levels of random sizes, large ones included', async () => {
    const [wasm, js] = [await makeMerkleHasher(), makeJsMerkleHasher()];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.integer(), (n, seed) => {
        const level = new Uint8Array(32 * n);
        for (let i = 0; i < level.length; i++) level[i] = (i * 131 + seed) & 0xff;
        expect(wasm.hashLevel(level)).toEqual(js.hashLevel(level));
        expect(wasm.rootOfLeafHashes(level)).toEqual(js.rootOfLeafHashes(level));
      }),
      { numRuns: 40 },
    );
  });

  it('grows its memory for a batch larger than it holds (4 MiB of leaves)', async () => {
    const [wasm, js] = [await makeMerkleHasher(), makeJsMerkleHasher()];
    const big = Array.from({ length: 4096 }, (_, i) => new Uint8Array(1024).fill(i & 0xff));
    expect(wasm.hashLeaves(big)).toEqual(js.hashLeaves(big));
  });
});
