/**
 * The hashing jobs a pool worker runs (hash-protocol.ts). A file of up to WHOLE_FILE_LIMIT
 * bytes is read at once and digested by WebCrypto (hardware SHA-256 where the CPU has it: the
 * fastest path, at the cost of holding the file in the worker's memory); a larger file is
 * streamed through the SHA-256 kernel (sha256-stream.ts) in two reusable CHUNK_BYTES buffers,
 * the next read pending while the last one is hashed, so memory stays flat whatever the size.
 * Merkle batches go through the WebAssembly kernel (core's merkle-kernel.ts). Kept apart from
 * the worker entry so tests run it in Node.
 */
import type { StreamingHash } from '../src/core/crypto/hash.ts';
import { createFileSha256 } from './sha256-stream.ts';
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

export const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;
export const CHUNK_BYTES = 4 * 1024 * 1024;

export interface HashFileOptions {
  /** Files up to this size are digested in one WebCrypto call; default WHOLE_FILE_LIMIT. */
  wholeFileLimit?: number;
  chunkBytes?: number;
  /** Progress is reported at most once per this many bytes; default 8 MiB. */
  progressBytes?: number;
  /** The streaming hasher; default the kernel (createFileSha256). The benchmark passes others. */
  hasher?: () => Promise<StreamingHash>;
}

async function digestWhole(file: Blob, context: JobContext): Promise<string> {
  const buffer = await file.arrayBuffer();
  context.throwIfCancelled();
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', buffer)));
}

const PROGRESS_BYTES = 8 * 1024 * 1024;

interface StreamOptions {
  chunk: number;
  every: number;
  hasher: () => Promise<StreamingHash>;
}

/**
 * Streams the file through one reusable pair of buffers: a byte stream read into them (BYOB),
 * the next read pending while the last one is hashed, so memory stays flat and reading overlaps
 * hashing. Undefined when the file's stream is not a byte stream (then `digestSliced`).
 */
async function digestByob(file: Blob, options: StreamOptions, context: JobContext) {
  const { chunk, every } = options;
  let reader: ReadableStreamBYOBReader;
  try {
    reader = file.stream().getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
  const hasher = await options.hasher();
  const spare = [new ArrayBuffer(chunk), new ArrayBuffer(chunk)];
  let pending = reader.read(new Uint8Array(spare.pop() as ArrayBuffer));
  let done = 0;
  let reported = 0;
  for (;;) {
    const { value, done: ended } = await pending;
    if (ended || value === undefined) break;
    const next = spare.pop();
    if (next !== undefined) pending = reader.read(new Uint8Array(next));
    context.throwIfCancelled();
    hasher.update(value);
    done += value.length;
    if (done - reported >= every) context.progress((reported = done), file.size);
    spare.push(value.buffer as ArrayBuffer);
    if (next === undefined) pending = reader.read(new Uint8Array(spare.pop() as ArrayBuffer));
  }
  if (done !== file.size) throw new RangeError('the file changed while it was read');
  return hasher.digestHex();
}

/** The same in slices read one ahead, where a Blob's stream is not a byte stream. */
async function digestSliced(file: Blob, options: StreamOptions, context: JobContext) {
  const { chunk } = options;
  const hasher = await options.hasher();
  const read = (at: number) => file.slice(at, Math.min(at + chunk, file.size)).arrayBuffer();
  let next = read(0);
  for (let at = 0; at < file.size;) {
    const bytes = new Uint8Array(await next);
    if (bytes.length === 0) throw new RangeError('the file changed while it was read');
    at += bytes.length;
    if (at < file.size) next = read(at);
    context.throwIfCancelled();
    hasher.update(bytes);
    context.progress(at, file.size);
  }
  return hasher.digestHex();
}

async function digestStreamed(file: Blob, options: HashFileOptions, context: JobContext) {
  const stream: StreamOptions = {
    chunk: options.chunkBytes ?? CHUNK_BYTES,
    every: options.progressBytes ?? PROGRESS_BYTES,
    hasher: options.hasher ?? createFileSha256,
  };
  return (await digestByob(file, stream, context)) ?? digestSliced(file, stream, context);
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
    : await digestStreamed(file, options, context);
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
