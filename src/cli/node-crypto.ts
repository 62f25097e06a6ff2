/**
 * Node's own OpenSSL for the two hot primitives of reading a ledger, behind the core's hooks:
 *
 * - Ed25519 verification for the verify workers: the same `EVP_DigestVerify` that Node's
 *   WebCrypto runs, called synchronously, once per signature, each author's key imported once
 *   (WebCrypto adds an algorithm normalisation, a job, a promise and a thread-pool hop per
 *   call). The core runs its strict RFC 8032 checks before calling it (`verifySync` in
 *   ed25519.ts), so it decides as the WebCrypto path does; tests/cli/node-crypto.test.ts runs
 *   every Wycheproof case and mutated RFC 8032 vectors through both.
 * - SHA-256 for entry ids and receipts (`useRuntimeSha256` in hash.ts): OpenSSL's, on the
 *   CPU's SHA instructions where it has them, a third of the WebAssembly hash's time on a line.
 */
import { createPublicKey, hash, verify, type KeyObject } from 'node:crypto';
import type { Ed25519Verifier } from '../core/index.ts';

/** SubjectPublicKeyInfo of an Ed25519 key (RFC 8410 §4), less the 32 key bytes. */
const SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);
/** Imported keys by their bytes: a ledger has many entries by few authors. Bounded. */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 4096;

const bufferOf = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

function keyObject(publicKey: Uint8Array): KeyObject {
  const name = bufferOf(publicKey).toString('hex');
  let key = keys.get(name);
  if (key === undefined) {
    const der = Buffer.concat([SPKI_PREFIX, publicKey]);
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    keys.set(name, key);
  }
  return key;
}

/** OpenSSL's one-shot Ed25519 verification (throws on a key it cannot read: false then). */
export const nodeVerify: Ed25519Verifier = (publicKey, message, signature) =>
  verify(null, message, keyObject(publicKey), signature);

/** OpenSSL's SHA-256 of exactly `data`, in lower-case hex. */
export const sha256Hex = (data: Uint8Array): string => hash('sha256', data, 'hex');

/** OpenSSL's SHA-256 of exactly `data`, as a fresh 32-byte array. */
export function nodeSha256(data: Uint8Array): Uint8Array {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}
