/**
 * The pool bench's references for file hashing (pool.bench.ts), in a worker like the pool's:
 * - 'file': the pool's own streaming path (runHashFile, BYOB reads into two 4 MiB buffers) with
 *   hash-wasm's SHA-256 instead of the kernel, so the two hashers are compared on the same reads;
 * - 'memory': the kernel and hash-wasm on the same bytes already in memory, in 4 MiB updates,
 *   taking turns: the hashers alone, without reading.
 */
import { createStreamingSha256, type StreamingHash } from '../../src/core/crypto/hash.ts';
import { runHashFile } from '../../worker/hash-job.ts';
import { NO_CONTEXT } from '../../worker/job-context.ts';
import { createFileSha256 } from '../../worker/sha256-stream.ts';

export type FileHashReference =
  | { kind: 'file'; file: Blob; engine: 'hash-wasm' | 'kernel' }
  | { kind: 'memory'; mib: number; rounds: number };

export interface MemoryRates {
  /** Wall-clock ms per round, in turns. */
  kernelMs: number[];
  hashWasmMs: number[];
}

const CHUNK = 4 * 1024 * 1024;

async function timedHash(make: () => Promise<StreamingHash>, bytes: Uint8Array) {
  const started = performance.now();
  const hasher = await make();
  for (let at = 0; at < bytes.length; at += CHUNK) hasher.update(bytes.subarray(at, at + CHUNK));
  const digest = hasher.digestHex();
  return { ms: performance.now() - started, digest };
}

async function memoryRates(mib: number, rounds: number): Promise<MemoryRates> {
  const bytes = new Uint8Array(mib * 2 ** 20);
  let x = 7;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const rates: MemoryRates = { kernelMs: [], hashWasmMs: [] };
  await timedHash(createFileSha256, bytes.subarray(0, CHUNK)); // compiled, tiered up
  await timedHash(createStreamingSha256, bytes.subarray(0, CHUNK));
  for (let r = 0; r < rounds; r++) {
    const kernel = await timedHash(createFileSha256, bytes);
    const other = await timedHash(createStreamingSha256, bytes);
    if (kernel.digest !== other.digest) throw new Error('file-hash worker: digests differ');
    rates.kernelMs.push(kernel.ms);
    rates.hashWasmMs.push(other.ms);
  }
  return rates;
}

self.onmessage = async (event: MessageEvent<FileHashReference>) => {
  const request = event.data;
  if (request.kind === 'memory') {
    self.postMessage(await memoryRates(request.mib, request.rounds));
    return;
  }
  const job = { kind: 'hash-file', id: 0, file: request.file } as const;
  const hasher = request.engine === 'kernel' ? createFileSha256 : createStreamingSha256;
  const answer = await runHashFile(job, NO_CONTEXT, { wholeFileLimit: 0, hasher });
  self.postMessage(answer.digest);
};
