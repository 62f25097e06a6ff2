/**
 * Ed25519 signing and verification, the only module that touches a signature library.
 *
 * Mode: strict RFC 8032 §5.1.7, everywhere. `S` must be below the group order L, and the
 * encodings of `A` and `R` must be canonical (y < p). Both backends get the same decisions:
 * the checks below run first, then either WebCrypto (OpenSSL in Node, BoringSSL in Chromium)
 * or @noble/curves with `zip215: false` (noble's default, ZIP-215, accepts what strict RFC 8032
 * rejects, e.g. Wycheproof tcId 151). Tested against RFC 8032 §7.1 and all 151 Wycheproof cases.
 *
 * Public keys, messages and signatures passed to `verify` are attacker-controlled; a bad one
 * yields `false`, never an exception.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bufferSource, toHex } from '../encoding/bytes.ts';

export type Ed25519Backend = 'webcrypto' | 'noble';

/**
 * A runtime's own synchronous one-shot verification, passed in by a caller that has one (the
 * CLI's verify workers: OpenSSL's EVP_DigestVerify through node:crypto, the function Node's
 * WebCrypto runs too). `verifySync` gives it only keys and signatures that passed the strict
 * checks below; it returns false, or throws, when the signature does not verify.
 */
export type Ed25519Verifier = (
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
) => boolean;

export const PUBLIC_KEY_LENGTH = 32;
export const SEED_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

/** Group order L (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** Field prime p = 2^255 - 19. */
const P = 2n ** 255n - 19n;

/** A non-negative integer below 2^256 as 32 little-endian bytes. */
function littleEndianBytes(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0, v = n; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

const L_BYTES = littleEndianBytes(L);
const P_BYTES = littleEndianBytes(P);

/**
 * Whether the 32-byte little-endian number in `bytes` (its top bit cleared when `dropTop`) is
 * below `bound`: compared byte by byte from the most significant, with no BigInt (this runs
 * before every signature check, and BigInt arithmetic cost more than a tenth of a WebCrypto
 * verification).
 */
function isBelow(bytes: Uint8Array, bound: Uint8Array, dropTop: boolean): boolean {
  for (let i = 31; i >= 0; i--) {
    let byte = bytes[i] as number;
    if (i === 31 && dropTop) byte &= 0x7f;
    const limit = bound[i] as number;
    if (byte !== limit) return byte < limit;
  }
  return false;
}

/**
 * Checks that make strict mode identical across backends (RFC 8032 §5.1.7 step 1): lengths,
 * S < L, and canonical encodings of A and R (RFC 8032 §5.1.3 step 1: y, sign bit cleared,
 * below p). Exported for tests.
 */
export function passesStrictChecks(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  if (!isBelow(publicKey, P_BYTES, true) || !isBelow(signature.subarray(0, 32), P_BYTES, true))
    return false;
  return isBelow(signature.subarray(32), L_BYTES, false);
}

let detected: Promise<Ed25519Backend> | undefined;

/**
 * A valid public key to probe WebCrypto with: the key of the all-zero seed. A constant, since
 * deriving it with noble costs its first-use precomputation (about 44 ms at every CLI start).
 */
const PROBE_KEY = Uint8Array.from([
  0x3b, 0x6a, 0x27, 0xbc, 0xce, 0xb6, 0xa4, 0x2d, 0x62, 0xa3, 0xa8, 0xd0, 0x2a, 0x6f, 0x0d, 0x73,
  0x65, 0x32, 0x15, 0x77, 0x1d, 0xe2, 0x43, 0xa6, 0x3a, 0xc0, 0x48, 0xa1, 0x8b, 0x59, 0xda, 0x29,
]);

/** The public key of the all-zero seed, which the start-up probe imports (exported for a test). */
export const probeKey = (): Uint8Array => PROBE_KEY.slice();

/** The fastest backend this runtime has: WebCrypto when it supports Ed25519, else noble. */
export function defaultBackend(): Promise<Ed25519Backend> {
  detected ??= (async () => {
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) return 'noble';
    try {
      await subtle.importKey('raw', PROBE_KEY, { name: 'Ed25519' }, false, ['verify']);
      return 'webcrypto';
    } catch {
      return 'noble';
    }
  })();
  return detected;
}

// PKCS#8 prefix for a bare Ed25519 seed (RFC 8410 §7): version 0, id-Ed25519, OCTET STRING.
const PKCS8_SEED_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw new TypeError(`ed25519: seed must be ${SEED_LENGTH} bytes`);
  }
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  checkSeed(seed);
  return ed25519.getPublicKey(seed);
}

/** A signing function bound to one seed; WebCrypto keys are imported once, not per call. */
export async function makeSigner(
  seed: Uint8Array,
  backend?: Ed25519Backend,
): Promise<(message: Uint8Array) => Promise<Uint8Array>> {
  checkSeed(seed);
  const chosen = backend ?? (await defaultBackend());
  if (chosen === 'noble') {
    const copy = seed.slice();
    return (message) => Promise.resolve(ed25519.sign(message, copy));
  }
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(PKCS8_SEED_PREFIX);
  pkcs8.set(seed, 16);
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  pkcs8.fill(0);
  return async (message) =>
    new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, bufferSource(message)));
}

/**
 * Imported WebCrypto verification keys by public key: a ledger checks many entries by few
 * authors, and an import costs about as much as a verification. Bounded; the oldest goes first.
 */
const importedKeys = new Map<string, Promise<CryptoKey>>();
const MAX_IMPORTED_KEYS = 4096;

function importedKey(publicKey: Uint8Array): Promise<CryptoKey> {
  const name = toHex(publicKey);
  let key = importedKeys.get(name);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', bufferSource(publicKey), { name: 'Ed25519' }, false, [
      'verify',
    ]);
    if (importedKeys.size >= MAX_IMPORTED_KEYS) {
      const [oldest] = importedKeys.keys();
      if (oldest !== undefined) importedKeys.delete(oldest);
    }
    importedKeys.set(name, key);
    key.catch(() => importedKeys.delete(name));
  }
  return key;
}

/** Strict RFC 8032 verification. Returns false for any malformed key or signature. */
export async function verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  backend?: Ed25519Backend,
): Promise<boolean> {
  if (!passesStrictChecks(publicKey, signature)) return false;
  const chosen = backend ?? (await defaultBackend());
  try {
    if (chosen === 'noble') return ed25519.verify(signature, message, publicKey, { zip215: false });
    const key = await importedKey(publicKey);
    return await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      bufferSource(signature),
      bufferSource(message),
    );
  } catch {
    return false;
  }
}

/**
 * Strict RFC 8032 verification through a synchronous `verifier` (see Ed25519Verifier): the
 * same strict checks as `verify`, then the verifier. False for any malformed key or signature.
 */
export function verifySync(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  verifier: Ed25519Verifier,
): boolean {
  if (!passesStrictChecks(publicKey, signature)) return false;
  try {
    return verifier(publicKey, message, signature) === true;
  } catch {
    return false;
  }
}
