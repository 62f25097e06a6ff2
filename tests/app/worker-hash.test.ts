/** File and Merkle hashing on the worker pool, with fake pool workers running the real jobs. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeServices } from '../../src/app/services.ts';
import { merkleInWorker } from '../../src/app/worker-hash.ts';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import { MerkleTree } from '../../src/core/ledger/merkle.ts';
import { fakeWorkers } from '../helpers/fake-worker.ts';

const noWorkers = () => {
  throw new Error('no workers here');
};

describe('hashing on the pool', () => {
  it('hashes a file in a worker with progress, and on the main thread when none can start', async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff);
    const hex = createHash('sha256').update(bytes).digest('hex');
    const fakes = fakeWorkers('answer');
    const services = makeServices({ startWorker: fakes.start });
    const progress: number[] = [];
    const digest = await services.hashFile(new Blob([bytes]), {
      onProgress: (done) => progress.push(done),
    });
    expect(digest).toEqual({ digest: hex, bytes: 300_000, engine: 'worker', method: 'webcrypto' });
    expect(progress).toEqual([0, 300_000]);
    expect(fakes.started).toHaveLength(1);
    const alone = makeServices({ startWorker: noWorkers });
    expect(await alone.hashFile(new Blob([bytes]))).toMatchObject({
      digest: hex,
      engine: 'main-thread',
    });
  });

  it('rejects a cancelled file hash with an AbortError', async () => {
    const services = makeServices({ startWorker: fakeWorkers('hold').start });
    const controller = new AbortController();
    const hashing = services.hashFile(new Blob([new Uint8Array(10)]), {
      signal: controller.signal,
    });
    controller.abort();
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('computes a Merkle root in a worker and on the main thread, as the TypeScript tree does', async () => {
    const leaves = Array.from({ length: 37 }, (_, i) => new Uint8Array([i, i + 1]));
    const tree = MerkleTree.fromLeaves(leaves);
    const leafHashes = new Uint8Array(32 * 37);
    leaves.forEach((_, i) => leafHashes.set(tree.leafHash(i), 32 * i));
    const before = leafHashes.slice();
    const pool = makeWorkerPool({ start: fakeWorkers('answer').start, size: 1 });
    const inWorker = await merkleInWorker(pool, 'root', leafHashes);
    expect(inWorker).toMatchObject({ engine: 'worker', kernel: 'wasm' });
    expect(inWorker.hashes).toEqual(tree.root());
    expect(leafHashes).toEqual(before); // copied, not transferred
    const here = await merkleInWorker(makeWorkerPool({ start: noWorkers }), 'root', leafHashes);
    expect({ engine: here.engine, root: here.hashes }).toEqual({
      engine: 'main-thread',
      root: tree.root(),
    });
  });
});
