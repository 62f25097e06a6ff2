/**
 * The hashing jobs' messages: SHA-256 of a file (a Blob, which crosses without copying its
 * bytes; progress in bytes), and RFC 9162 Merkle hashing in batches (leaf hashes of entries
 * sent back to back, one level up, or the root of a level), buffers transferred both ways.
 */
import { isRecord } from './protocol.ts';
import { endsFit } from './admit-protocol.ts';

export interface HashFileRequest {
  kind: 'hash-file';
  id: number;
  file: Blob;
}

/** How the file was hashed: in one WebCrypto call, or streamed in chunks through WebAssembly. */
export type FileHashEngine = 'webcrypto' | 'stream';

export interface HashFileAnswer {
  kind: 'file-hashed';
  id: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  digest: string;
  bytes: number;
  engine: FileHashEngine;
}

export type MerkleOp = 'leaves' | 'level' | 'root';

export interface MerkleRequest {
  kind: 'merkle';
  id: number;
  op: MerkleOp;
  /** Leaves back to back (op 'leaves'), or a level of 32-byte hashes; transferred. */
  data: ArrayBuffer;
  /** For 'leaves': leaf i is data[ends[i-1] .. ends[i]). */
  ends?: Uint32Array;
}

export interface MerkleAnswer {
  kind: 'merkle-hashed';
  id: number;
  /** Leaf hashes, the level above, or the 32-byte root; transferred. */
  hashes: ArrayBuffer;
  engine: 'wasm' | 'js';
}

export function isHashFileRequest(value: unknown): value is HashFileRequest {
  if (!isRecord(value) || value.kind !== 'hash-file' || !Number.isSafeInteger(value.id))
    return false;
  return typeof Blob !== 'undefined' && value.file instanceof Blob;
}

export function isHashFileAnswer(value: unknown): value is HashFileAnswer {
  if (!isRecord(value) || value.kind !== 'file-hashed' || !Number.isSafeInteger(value.id))
    return false;
  if (typeof value.digest !== 'string' || !/^[0-9a-f]{64}$/.test(value.digest)) return false;
  return (
    Number.isSafeInteger(value.bytes) && ['webcrypto', 'stream'].includes(value.engine as string)
  );
}

const OPS: readonly unknown[] = ['leaves', 'level', 'root'];

export function isMerkleRequest(value: unknown): value is MerkleRequest {
  if (!isRecord(value) || value.kind !== 'merkle' || !Number.isSafeInteger(value.id)) return false;
  if (!OPS.includes(value.op) || !(value.data instanceof ArrayBuffer)) return false;
  if (value.op !== 'leaves') return value.ends === undefined && value.data.byteLength % 32 === 0;
  return value.ends instanceof Uint32Array && endsFit(value.ends, value.data.byteLength);
}

export function isMerkleAnswer(value: unknown): value is MerkleAnswer {
  if (!isRecord(value) || value.kind !== 'merkle-hashed' || !Number.isSafeInteger(value.id))
    return false;
  const { hashes, engine } = value;
  return (
    hashes instanceof ArrayBuffer &&
    hashes.byteLength % 32 === 0 &&
    (engine === 'wasm' || engine === 'js')
  );
}
