/**
 * Hashing on the worker pool: SHA-256 of a file (a File or Blob crosses to the worker without
 * its bytes being copied; progress in bytes; cancellable), and RFC 9162 Merkle hashing in
 * batches (the WebAssembly kernel in the worker). When no worker can run it, the same job runs
 * on the main thread (worker/hash-job.ts, imported lazily), and the answer says so.
 */
import {
  isHashFileAnswer,
  isMerkleAnswer,
  type FileHashEngine,
  type HashFileRequest,
  type MerkleOp,
  type MerkleRequest,
} from '../../worker/hash-protocol.ts';
import type { JobContext } from '../../worker/job-context.ts';
import { WorkerUnavailableError, type WorkerPool } from './worker-pool.ts';

export interface FileDigest {
  /** Lower-case hex SHA-256. */
  digest: string;
  bytes: number;
  /** Where it ran, and how the file was read (at once through WebCrypto, or streamed). */
  engine: 'worker' | 'main-thread';
  method: FileHashEngine;
}

export interface HashFileOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

function readFileHash(value: unknown) {
  if (!isHashFileAnswer(value)) throw new TypeError('hash-file: malformed answer');
  return value;
}

async function hashOnMainThread(file: Blob, options: HashFileOptions): Promise<FileDigest> {
  const { runHashFile } = await import('../../worker/hash-job.ts');
  const { abortError } = await import('../../worker/job-context.ts');
  const context: JobContext = {
    throwIfCancelled() {
      if (options.signal?.aborted) throw abortError();
    },
    progress: (done, total) => options.onProgress?.(done, total),
    part: () => undefined, // the hash answers whole
  };
  const answer = await runHashFile({ kind: 'hash-file', id: 0, file }, context);
  return {
    digest: answer.digest,
    bytes: answer.bytes,
    engine: 'main-thread',
    method: answer.engine,
  };
}

/** SHA-256 of a file in a pool worker, or on the main thread when no worker can run it. */
export async function hashFile(
  pool: WorkerPool,
  file: Blob,
  options: HashFileOptions = {},
): Promise<FileDigest> {
  if (pool.usable) {
    const build = (id: number): HashFileRequest => ({ kind: 'hash-file', id, file });
    try {
      const answer = await pool.run(build, {
        read: readFileHash,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return {
        digest: answer.digest,
        bytes: answer.bytes,
        engine: 'worker',
        method: answer.engine,
      };
    } catch (cause) {
      if (!(cause instanceof WorkerUnavailableError)) throw cause;
    }
  }
  return hashOnMainThread(file, options);
}

export interface MerkleHashes {
  hashes: Uint8Array;
  engine: 'worker' | 'main-thread';
  kernel: 'wasm' | 'js';
}

async function merkleOnMainThread(op: MerkleOp, data: Uint8Array, ends?: Uint32Array) {
  const { runMerkle } = await import('../../worker/hash-job.ts');
  const request: MerkleRequest = { kind: 'merkle', id: 0, op, data: data.slice().buffer };
  if (ends !== undefined) request.ends = ends;
  const { message } = await runMerkle(request);
  return {
    hashes: new Uint8Array(message.hashes),
    engine: 'main-thread',
    kernel: message.engine,
  } as const;
}

/**
 * Merkle hashing in a pool worker: leaf hashes of `data` split at `ends` ('leaves'), the level
 * above a level of 32-byte hashes ('level'), or the root of leaf hashes ('root'). `data` is
 * copied, never transferred: the caller's bytes stay usable.
 */
export async function merkleInWorker(
  pool: WorkerPool,
  op: MerkleOp,
  data: Uint8Array,
  ends?: Uint32Array,
): Promise<MerkleHashes> {
  if (!pool.usable) return merkleOnMainThread(op, data, ends);
  const copy = data.slice().buffer;
  const build = (id: number): MerkleRequest => {
    const request: MerkleRequest = { kind: 'merkle', id, op, data: copy };
    if (ends !== undefined) request.ends = ends.slice();
    return request;
  };
  const read = (value: unknown) => {
    if (!isMerkleAnswer(value)) throw new TypeError('merkle: malformed answer');
    return value;
  };
  try {
    const answer = await pool.run(build, { transfer: [copy], read });
    return { hashes: new Uint8Array(answer.hashes), engine: 'worker', kernel: answer.engine };
  } catch (cause) {
    if (!(cause instanceof WorkerUnavailableError)) throw cause;
    return merkleOnMainThread(op, data, ends);
  }
}
