/**
 * The hashing jobs a pool worker runs (hash-protocol.ts). A file of up to WHOLE_FILE_LIMIT
 * bytes is read at once and digested by WebCrypto (hardware SHA-256 where the CPU has it: the
 * fastest path, at the cost of holding the file in the worker's memory); a larger file is
 * streamed in CHUNK_BYTES slices through hash-wasm, the next slice read while the current one
 * is hashed, so memory stays flat (two slices) whatever the size. Merkle batches go through
 * the WebAssembly kernel (core's merkle-kernel.ts). Kept apart from the worker entry so tests
 * run it in Node.
 */
import { createStreamingSha256 } from '../src/core/crypto/hash.ts';
import { makeMerkleHasher } from '../src/core/crypto/merkle-kernel.ts';
import { toHex } from '../src/core/encoding/bytes.ts';
import type { JobContext } from './job-context.ts';
import type {
  HashFileAnswer,
  HashFileRequest,
  MerkleAnswer,
  MerkleRequest,
} from './hash-protocol.ts';
import type { Posted } from './reputation-protocol.ts';

export const WHOLE_FILE_LIMIT = 256 * 1024 * 1024;
export const CHUNK_BYTES = 8 * 1024 * 1024;

export interface HashFileOptions {
  /** Files up to this size are digested in one WebCrypto call; default WHOLE_FILE_LIMIT. */
  wholeFileLimit?: number;
  chunkBytes?: number;
}

async function digestWhole(file: Blob, context: JobContext): Promise<string> {
  const buffer = await file.arrayBuffer();
  context.throwIfCancelled();
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', buffer)));
}

async function digestStreamed(file: Blob, chunk: number, context: JobContext): Promise<string> {
  const hasher = await createStreamingSha256();
  const read = (at: number) => file.slice(at, Math.min(at + chunk, file.size)).arrayBuffer();
  let next = read(0);
  for (let at = 0; at < file.size;) {
    const bytes = new Uint8Array(await next);
    if (bytes.length === 0) throw new RangeError('the file ended early: it changed while read');
    at += bytes.length;
    if (at < file.size) next = read(at);
    context.throwIfCancelled();
    hasher.update(bytes);
    context.progress(at, file.size);
  }
  return hasher.digestHex();
}

export async function runHashFile(
  request: HashFileRequest,
  context: JobContext,
  options: HashFileOptions = {},
): Promise<HashFileAnswer> {
  const { id, file } = request;
  const whole = file.size <= (options.wholeFileLimit ?? WHOLE_FILE_LIMIT);
  context.progress(0, file.size);
  const digest = whole
    ? await digestWhole(file, context)
    : await digestStreamed(file, options.chunkBytes ?? CHUNK_BYTES, context);
  context.progress(file.size, file.size);
  const engine = whole ? 'webcrypto' : 'stream';
  return { kind: 'file-hashed', id, digest, bytes: file.size, engine };
}

function leavesOf(data: Uint8Array, ends: Uint32Array): Uint8Array[] {
  const leaves: Uint8Array[] = [];
  let start = 0;
  for (const end of ends) {
    leaves.push(data.subarray(start, end));
    start = end;
  }
  return leaves;
}

export async function runMerkle(request: MerkleRequest): Promise<Posted<MerkleAnswer>> {
  const hasher = await makeMerkleHasher();
  const data = new Uint8Array(request.data);
  let hashes: Uint8Array;
  if (request.op === 'leaves')
    hashes = hasher.hashLeaves(leavesOf(data, request.ends ?? new Uint32Array(0)));
  else if (request.op === 'level') hashes = hasher.hashLevel(data);
  else hashes = hasher.rootOfLeafHashes(data);
  const whole = hashes.byteOffset === 0 && hashes.byteLength === hashes.buffer.byteLength;
  const buffer = (whole ? hashes : hashes.slice()).buffer as ArrayBuffer;
  return {
    message: { kind: 'merkle-hashed', id: request.id, hashes: buffer, engine: hasher.engine },
    transfer: [buffer],
  };
}
