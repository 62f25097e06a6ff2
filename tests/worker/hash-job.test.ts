/** The hashing jobs and the pool worker's message loop, in Node. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeDispatcher } from '../../worker/dispatch.ts';
import { runHashFile, runMerkle } from '../../worker/hash-job.ts';
import { abortError, NO_CONTEXT, type JobContext } from '../../worker/job-context.ts';
import { MerkleTree } from '../../src/core/ledger/merkle.ts';

const blobOf = (size: number) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return { blob: new Blob([bytes]), hex: createHash('sha256').update(bytes).digest('hex') };
};

describe('hash-file job', () => {
  it('digests a small file in one WebCrypto call and a large one streamed, the same SHA-256', async () => {
    const { blob, hex } = blobOf(100_003);
    const request = { kind: 'hash-file', id: 1, file: blob } as const;
    const whole = await runHashFile(request, NO_CONTEXT);
    expect(whole).toEqual({
      kind: 'file-hashed',
      id: 1,
      digest: hex,
      bytes: 100_003,
      engine: 'webcrypto',
    });
    const progress: number[] = [];
    const context: JobContext = { ...NO_CONTEXT, progress: (done) => progress.push(done) };
    const options = { wholeFileLimit: 0, chunkBytes: 30_000, progressBytes: 20_000 };
    const streamed = await runHashFile(request, context, options);
    expect(streamed).toMatchObject({ digest: hex, engine: 'stream' });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100_003);
  });

  it('streams in slices where the file is not a byte stream, the same SHA-256', async () => {
    const { blob, hex } = blobOf(100_003);
    const plain = new ReadableStream({ start: (controller) => controller.close() });
    const file = { size: blob.size, slice: blob.slice.bind(blob), stream: () => plain } as Blob;
    const progress: number[] = [];
    const context: JobContext = { ...NO_CONTEXT, progress: (done) => progress.push(done) };
    const answer = await runHashFile({ kind: 'hash-file', id: 7, file }, context, {
      wholeFileLimit: 0,
      chunkBytes: 30_000,
    });
    expect(answer.digest).toBe(hex);
    expect(progress).toEqual([0, 30_000, 60_000, 90_000, 100_003, 100_003]);
  });

  it('hashes an empty file', async () => {
    const empty = createHash('sha256').digest('hex');
    for (const wholeFileLimit of [0, 10]) {
      const answer = await runHashFile(
        { kind: 'hash-file', id: 2, file: new Blob([]) },
        NO_CONTEXT,
        {
          wholeFileLimit,
        },
      );
      expect(answer.digest).toBe(empty);
    }
  });

  it('stops at the next chunk once cancelled', async () => {
    const { blob } = blobOf(50_000);
    let chunks = 0;
    const context: JobContext = {
      throwIfCancelled: () => {
        if (++chunks > 2) throw abortError();
      },
      progress: () => undefined,
      part: () => undefined,
    };
    const hashing = runHashFile({ kind: 'hash-file', id: 3, file: blob }, context, {
      wholeFileLimit: 0,
      chunkBytes: 10_000,
    });
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks).toBe(3);
  });
});

describe('merkle job', () => {
  it('answers leaf hashes, a level and a root as the TypeScript tree computes them', async () => {
    const leaves = [new Uint8Array([1]), new Uint8Array([2, 3]), new Uint8Array(0)];
    const tree = MerkleTree.fromLeaves(leaves);
    const data = Uint8Array.from([1, 2, 3]).buffer;
    const { message } = await runMerkle({
      kind: 'merkle',
      id: 4,
      op: 'leaves',
      data,
      ends: Uint32Array.of(1, 3, 3),
    });
    const leafHashes = new Uint8Array(message.hashes);
    expect(leafHashes.subarray(64)).toEqual(tree.leafHash(2));
    const root = await runMerkle({
      kind: 'merkle',
      id: 5,
      op: 'root',
      data: leafHashes.slice().buffer,
    });
    expect(new Uint8Array(root.message.hashes)).toEqual(tree.root());
    const level = await runMerkle({
      kind: 'merkle',
      id: 6,
      op: 'level',
      data: leafHashes.slice().buffer,
    });
    expect(new Uint8Array(level.message.hashes).length).toBe(64);
    expect(root.message.engine).toBe('wasm');
  });
});

describe('pool worker loop', () => {
  const collect = () => {
    const posted: unknown[] = [];
    return { posted, dispatch: makeDispatcher((message) => posted.push(message)) };
  };

  it('answers a malformed or unknown request with an error under its id', async () => {
    const { posted, dispatch } = collect();
    await dispatch({ kind: 'sign', id: 9 });
    await dispatch('hello');
    expect(posted).toEqual([
      {
        kind: 'error',
        id: 9,
        error: { name: 'TypeError', message: 'pool worker: malformed request' },
      },
      {
        kind: 'error',
        id: -1,
        error: { name: 'TypeError', message: 'pool worker: malformed request' },
      },
    ]);
  });

  it('answers a request cancelled while it runs with an AbortError, and ignores other cancels', async () => {
    const { posted, dispatch } = collect();
    await dispatch({ kind: 'cancel', id: 77 });
    const { blob } = blobOf(1000);
    const running = dispatch({ kind: 'hash-file', id: 10, file: blob });
    await dispatch({ kind: 'cancel', id: 10 });
    await running;
    expect(posted.at(-1)).toMatchObject({ kind: 'error', id: 10, error: { name: 'AbortError' } });
    const again = dispatch({ kind: 'hash-file', id: 11, file: blob });
    await again;
    expect(posted.at(-1)).toMatchObject({ kind: 'file-hashed', id: 11 });
  });
});
