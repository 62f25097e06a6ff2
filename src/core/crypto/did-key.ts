/**
 * did:key identifiers for Ed25519 public keys (W3C CCG did:key method): the multibase
 * base58btc ("z") encoding of the multicodec varint 0xed01 followed by the 32-byte key.
 * DIDs arrive from bundles and peers, so parsing is strict and coded.
 */
import { base58 } from '@scure/base';
import { reject } from '../errors.ts';
import { PUBLIC_KEY_LENGTH } from './ed25519.ts';

const PREFIX = 'did:key:z';
const ED25519_MULTICODEC = [0xed, 0x01] as const;
/** 34 bytes in base58 are at most 47 characters; longer input is refused before decoding. */
const MAX_DID_LENGTH = PREFIX.length + 48;

export function didFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new TypeError(`didFromPublicKey: key must be ${PUBLIC_KEY_LENGTH} bytes`);
  }
  const bytes = new Uint8Array(2 + PUBLIC_KEY_LENGTH);
  bytes.set(ED25519_MULTICODEC);
  bytes.set(publicKey, 2);
  return PREFIX + base58.encode(bytes);
}

/** Returns the Ed25519 public key a did:key names, or rejects with `MALFORMED_INPUT`. */
export function publicKeyFromDid(did: string): Uint8Array {
  if (typeof did !== 'string' || !did.startsWith(PREFIX) || did.length > MAX_DID_LENGTH) {
    return reject('MALFORMED_INPUT', `not an Ed25519 did:key: ${JSON.stringify(did).slice(0, 80)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(did.slice(PREFIX.length));
  } catch {
    return reject('MALFORMED_INPUT', 'did:key is not valid base58btc');
  }
  if (
    bytes.length !== 2 + PUBLIC_KEY_LENGTH ||
    bytes[0] !== ED25519_MULTICODEC[0] ||
    bytes[1] !== ED25519_MULTICODEC[1]
  ) {
    return reject('MALFORMED_INPUT', 'did:key does not name an Ed25519 key (multicodec 0xed01)');
  }
  const key = bytes.slice(2);
  // Canonical spelling only: leading-zero tricks in base58 would give two DIDs for one key.
  if (didFromPublicKey(key) !== did) reject('MALFORMED_INPUT', 'did:key is not canonical');
  return key;
}

export function isDidKey(value: string): boolean {
  try {
    publicKeyFromDid(value);
    return true;
  } catch {
    return false;
  }
}
