/**
 * SHA-256 three ways with the same digests: WebCrypto for one-shot buffers, hash-wasm for
 * streams (files larger than we want in memory, fed chunk by chunk by an adapter), and a
 * synchronous one-shot for hot paths (Merkle trees hash per node, and a promise per node would
 * cost more than the hash): hash-wasm once loaded, @noble/hashes before that or without it.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { createSHA256, type IHasher } from 'hash-wasm';
import { bufferSource, toHex } from '../encoding/bytes.ts';

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bufferSource(data)));
}

let wasmHasher: IHasher | undefined;
let runtimeSha256: ((data: Uint8Array) => Uint8Array) | undefined;

/**
 * Hands `sha256Sync` a runtime's own synchronous SHA-256 (the CLI passes node:crypto's, which
 * runs on the CPU's SHA instructions: about 1 µs for a 1 KB ledger line against 3.5 µs in
 * WebAssembly). It must return the SHA-256 digest of exactly `data` as a fresh 32-byte array;
 * tests/cli/node-crypto.test.ts checks Node's against the other engines.
 */
export function useRuntimeSha256(engine: (data: Uint8Array) => Uint8Array): void {
  runtimeSha256 = engine;
}
let wasmLoading: Promise<boolean> | undefined;

/**
 * Starts (once) the WebAssembly engine behind `sha256Sync` and settles when the engine is
 * chosen: true for hash-wasm, false when it cannot load (no WebAssembly, a CSP without
 * 'wasm-unsafe-eval'), and @noble/hashes stays in use. Hot paths await it before a long run
 * of synchronous hashing (opening a ledger never yields to the event loop otherwise).
 */
export function prepareSha256Sync(): Promise<boolean> {
  wasmLoading ??= createSHA256().then(
    (hasher) => {
      wasmHasher = hasher;
      return true;
    },
    () => false,
  );
  return wasmLoading;
}

/**
 * One-shot synchronous SHA-256 for hot paths (ledger entry ids, Merkle nodes, decision
 * hashes): hash-wasm once `prepareSha256Sync` has loaded it (about 2x faster than noble for a
 * 1 KB entry, 2.5x for a 65-byte Merkle node), @noble/hashes until then. Same digests either
 * way (tested at block boundaries and on random inputs). A fresh 32-byte array on each call.
 */
export function sha256Sync(data: Uint8Array): Uint8Array {
  if (runtimeSha256 !== undefined) return runtimeSha256(data);
  const hasher = wasmHasher;
  if (hasher === undefined) {
    void prepareSha256Sync();
    return nobleSha256(data);
  }
  // init, update and digest run back to back (no await), so no other caller interleaves.
  hasher.init();
  hasher.update(data);
  return hasher.digest('binary');
}

/** The @noble/hashes engine alone, for tests that compare the two engines. */
export function sha256SyncNoble(data: Uint8Array): Uint8Array {
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
