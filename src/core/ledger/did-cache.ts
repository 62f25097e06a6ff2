/**
 * did:key → public key, remembered: a ledger checks many entries by few authors, and decoding
 * a did:key (base58, then re-encoding to refuse non-canonical spellings) costs more than the
 * rest of an entry's field checks. Only DIDs that decoded are remembered, so a bad one is
 * refused exactly as `publicKeyFromDid` refuses it. Bounded; the oldest goes first.
 */
import { publicKeyFromDid } from '../crypto/did-key.ts';

const keys = new Map<string, Uint8Array>();
const MAX_KEYS = 4096;

/**
 * The Ed25519 public key a did:key names, or the rejection `publicKeyFromDid` gives. The array
 * is shared between callers: read it, never write it.
 */
export function didPublicKey(did: string): Uint8Array {
  let key = keys.get(did);
  if (key === undefined) {
    key = publicKeyFromDid(did);
    if (keys.size >= MAX_KEYS) {
      const [oldest] = keys.keys();
      if (oldest !== undefined) keys.delete(oldest);
    }
    keys.set(did, key);
  }
  return key;
}

/** `isDidKey`, remembered. */
export function isDid(value: string): boolean {
  if (keys.has(value)) return true;
  try {
    didPublicKey(value);
    return true;
  } catch {
    return false;
  }
}
