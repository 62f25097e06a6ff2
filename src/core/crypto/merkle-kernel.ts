/**
 * RFC 9162 Merkle hashing in batches. The WebAssembly kernel (wasm/assembly/sha256.ts, built
 * from source by wasm/build.mjs) hashes a whole level of interior nodes, or a batch of leaves,
 * in one call; the per-call cost that hash-wasm pays once per node is paid once per batch.
 * `makeMerkleHasher` returns the kernel, or, where WebAssembly cannot run (no WebAssembly, a
 * CSP without 'wasm-unsafe-eval'), the same operations one hash at a time through
 * `sha256Sync`: same bytes either way (tested against the RFC 9162 vectors, the TypeScript
 * tree in ledger/merkle.ts, and each other on random levels).
 *
 * Inputs are our own buffers (levels of 32-byte hashes, leaf bytes), not attacker-shaped
 * arguments: a level whose length is not a multiple of 32 is a bug and throws a RangeError.
 */
import { SHA256_WASM_BASE64 } from '../../../wasm/build/sha256.js';
import { bufferSource, fromBase64 } from '../encoding/bytes.ts';
import { sha256Sync } from './hash.ts';

const HASH = 32;

export type MerkleEngine = 'wasm' | 'js';

export interface MerkleHasher {
  readonly engine: MerkleEngine;
  /** RFC 9162 §2.1.1 leaf hashes SHA-256(0x00 || leaf), concatenated, 32 bytes each. */
  hashLeaves(leaves: readonly Uint8Array[]): Uint8Array;
  /**
   * The level above: parent i = SHA-256(0x01 || level[2i] || level[2i+1]); a last odd hash is
   * carried up unchanged (which, level by level, gives RFC 9162's MTH).
   */
  hashLevel(level: Uint8Array): Uint8Array;
  /** MTH over leaf hashes (n × 32 bytes, n ≥ 1); SHA-256 of nothing for n = 0. */
  rootOfLeafHashes(leafHashes: Uint8Array): Uint8Array;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  reserve(bytes: number): number;
  hashNodes(input: number, pairs: number, out: number): void;
  hashLeaves(data: number, ends: number, count: number, out: number): void;
  rootInPlace(level: number, count: number): void;
}

function countOf(level: Uint8Array, what: string): number {
  if (!(level instanceof Uint8Array) || level.length % HASH !== 0)
    throw new RangeError(`${what}: a level is a whole number of 32-byte hashes`);
  return level.length / HASH;
}

class WasmMerkleHasher implements MerkleHasher {
  readonly engine = 'wasm';
  constructor(private readonly kernel: KernelExports) {}

  /** The kernel's scratch area, at least `bytes` long, as a fresh view (memory may grow). */
  private area(bytes: number): { base: number; memory: Uint8Array } {
    const base = this.kernel.reserve(bytes);
    if (base === 0) throw new RangeError(`merkle kernel: cannot reserve ${bytes} bytes`);
    return { base, memory: new Uint8Array(this.kernel.memory.buffer) };
  }

  hashLeaves(leaves: readonly Uint8Array[]): Uint8Array {
    let total = 0;
    for (const leaf of leaves) total += leaf.length;
    const count = leaves.length;
    const { base, memory } = this.area(total + 4 * count + HASH * count + 16);
    const ends = (base + total + 3) & ~3;
    const out = ends + 4 * count;
    const endsView = new Uint32Array(memory.buffer, ends, count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const leaf = leaves[i] as Uint8Array;
      memory.set(leaf, base + at);
      at += leaf.length;
      endsView[i] = at;
    }
    this.kernel.hashLeaves(base, ends, count, out);
    return memory.slice(out, out + HASH * count);
  }

  hashLevel(level: Uint8Array): Uint8Array {
    const n = countOf(level, 'hashLevel');
    const pairs = Math.floor(n / 2);
    const { base, memory } = this.area(level.length);
    memory.set(level, base);
    this.kernel.hashNodes(base, pairs, base);
    const up = memory.slice(base, base + HASH * (pairs + (n % 2)));
    if (n % 2 === 1) up.set(level.subarray(level.length - HASH), HASH * pairs);
    return up;
  }

  rootOfLeafHashes(leafHashes: Uint8Array): Uint8Array {
    const n = countOf(leafHashes, 'rootOfLeafHashes');
    if (n === 0) return sha256Sync(new Uint8Array(0));
    const { base, memory } = this.area(leafHashes.length);
    memory.set(leafHashes, base);
    this.kernel.rootInPlace(base, n);
    return memory.slice(base, base + HASH);
  }
}

/** The same operations one `sha256Sync` call per hash: where WebAssembly cannot run. */
class JsMerkleHasher implements MerkleHasher {
  readonly engine = 'js';
  private readonly node = new Uint8Array(1 + 2 * HASH);

  hashLeaves(leaves: readonly Uint8Array[]): Uint8Array {
    const out = new Uint8Array(HASH * leaves.length);
    leaves.forEach((leaf, i) => {
      const input = new Uint8Array(1 + leaf.length);
      input.set(leaf, 1);
      out.set(sha256Sync(input), HASH * i);
    });
    return out;
  }

  hashLevel(level: Uint8Array): Uint8Array {
    const n = countOf(level, 'hashLevel');
    const pairs = Math.floor(n / 2);
    const up = new Uint8Array(HASH * (pairs + (n % 2)));
    this.node[0] = 0x01;
    for (let i = 0; i < pairs; i++) {
      this.node.set(level.subarray(2 * HASH * i, 2 * HASH * (i + 1)), 1);
      up.set(sha256Sync(this.node), HASH * i);
    }
    if (n % 2 === 1) up.set(level.subarray(level.length - HASH), HASH * pairs);
    return up;
  }

  rootOfLeafHashes(leafHashes: Uint8Array): Uint8Array {
    let level = leafHashes;
    if (countOf(level, 'rootOfLeafHashes') === 0) return sha256Sync(new Uint8Array(0));
    while (level.length > HASH) level = this.hashLevel(level);
    return level.slice();
  }
}

let loading: Promise<MerkleHasher> | undefined;

/** Instantiates the kernel once; settles on the JS engine when WebAssembly cannot run. */
export function makeMerkleHasher(): Promise<MerkleHasher> {
  loading ??= (async (): Promise<MerkleHasher> => {
    try {
      const bytes = fromBase64(SHA256_WASM_BASE64, 'merkle kernel');
      const module = await WebAssembly.compile(bufferSource(bytes));
      const instance = await WebAssembly.instantiate(module, {});
      return new WasmMerkleHasher(instance.exports as unknown as KernelExports);
    } catch {
      return new JsMerkleHasher();
    }
  })();
  return loading;
}

/** The one-hash-per-call engine alone, for tests and the benchmark. */
export function makeJsMerkleHasher(): MerkleHasher {
  return new JsMerkleHasher();
}
