/**
 * SHA-256 three ways with the same digests: WebCrypto for one-shot buffers, hash-wasm for
 * streams (files larger than we want in memory, fed chunk by chunk by an adapter), and
 * @noble/hashes where a caller needs it synchronously (Merkle trees hash per node, and a
 * promise per node would cost more than the hash).
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { createSHA256 } from 'hash-wasm';
import { bufferSource, toHex } from '../encoding/bytes.ts';

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bufferSource(data)));
}

/** One-shot synchronous SHA-256 (@noble/hashes). */
export function sha256Sync(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  return toHex(await sha256(data));
}

export interface StreamingHash {
  update(chunk: Uint8Array): void;
  /** Lower-case hex digest; the hasher cannot be used afterwards. */
  digestHex(): string;
}

/** A streaming SHA-256 (hash-wasm, WebAssembly). */
export async function createStreamingSha256(): Promise<StreamingHash> {
  const hasher = await createSHA256();
  hasher.init();
  return {
    update: (chunk) => void hasher.update(chunk),
    digestHex: () => hasher.digest('hex'),
  };
}

/** Hashes an async sequence of chunks with the streaming hasher. */
export async function sha256HexOfChunks(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hasher = await createStreamingSha256();
  for await (const chunk of chunks) hasher.update(chunk);
  return hasher.digestHex();
}
