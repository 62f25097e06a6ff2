/**
 * Ed25519 verification through Node's own OpenSSL binding, for the verify workers: the same
 * `EVP_DigestVerify` that Node's WebCrypto runs, called once per signature and synchronously
 * (measured on this project's bench machine: about 12% less CPU per signature than
 * `crypto.subtle.verify`, which normalises the algorithm and makes a job and a promise each
 * time). The core's `verify` runs its strict RFC 8032 checks before calling it (ed25519.ts), so
 * both paths see the same inputs; tests/cli/node-ed25519.test.ts runs all Wycheproof cases
 * through both.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Ed25519Verifier } from '../core/index.ts';

/** SubjectPublicKeyInfo of an Ed25519 key (RFC 8410 §4), less the 32 key bytes. */
const SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);
/** Imported keys by their hex: a ledger has many entries by few authors. Bounded. */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 4096;

function keyObject(publicKey: Uint8Array): KeyObject {
  const name = Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('hex');
  let key = keys.get(name);
  if (key === undefined) {
    const der = new Uint8Array(SPKI_PREFIX.length + 32);
    der.set(SPKI_PREFIX);
    der.set(publicKey, SPKI_PREFIX.length);
    key = createPublicKey({ key: Buffer.from(der.buffer), format: 'der', type: 'spki' });
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    keys.set(name, key);
  }
  return key;
}

/** OpenSSL's one-shot Ed25519 verification (throws on a key it cannot read: `verify` says false). */
export const nodeVerify: Ed25519Verifier = (publicKey, message, signature) =>
  verify(null, message, keyObject(publicKey), signature);
