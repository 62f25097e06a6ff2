/**
 * Receipts: an entry read in full and its signature verified on another thread (a CLI worker
 * thread, a browser pool worker), so that the thread that admits in order does not read it a
 * second time. The reader runs `readEntry` and `signatureValid` (entry.ts) — the very checks
 * admission runs — and writes down the id it read, the ledger it checked the entry against, and
 * the SHA-256 of the exact bytes it read.
 *
 * The admitting thread trusts a receipt only for those exact bytes: it hashes the bytes it is
 * about to admit and compares (SHA-256 binds the two), and only then builds the entry with a
 * plain parse of them (vouchedEntry, as for a store's own records), which for bytes
 * `readEntry` accepted gives the fields `readEntry` gives.
 * A receipt that does not fit (other bytes, another ledger, another key) vouches for nothing:
 * the bytes are then read and checked in full, so the outcome, code and message are those of a
 * sequential admission. The bytes are attacker-controlled; the receipt is ours, but comes over
 * a message channel and is never taken for more than its digest proves.
 */
import type { Ed25519Verifier } from '../crypto/ed25519.ts';
import { sha256Sync } from '../crypto/hash.ts';
import { bytesEqual } from '../encoding/bytes.ts';
import { isPatchtrailError } from '../errors.ts';
import {
  readEntry,
  signatureValid,
  signatureValidSync,
  vouchedEntry,
  type Entry,
  type ReadEntry,
} from './entry.ts';

/** What a reader vouches for: bytes that hash to `digest` read as entry `id` of `ledger`. */
export interface EntryReceipt {
  /** The entry's id (`sha256:` + hex of its content's hash). */
  id: string;
  /** The ledger id the entry was checked against. */
  ledger: string;
  /** SHA-256 of the exact bytes read, newline excluded. */
  digest: Uint8Array;
}

/**
 * Reads entries of ledger `ledger` in full off the admitting thread: a receipt each, or
 * undefined (the admitting thread then checks the entry itself).
 */
export type EntryReader = (bytes: Uint8Array, ledger: string) => Promise<EntryReceipt | undefined>;

/**
 * Reads untrusted bytes as an entry of `ledger` (everything `readEntry` checks) and verifies its
 * signature: a receipt when all passed, undefined otherwise (admission then gives the reason).
 */
export async function receiptFor(
  bytes: Uint8Array,
  ledger: string,
): Promise<EntryReceipt | undefined> {
  const read = readForReceipt(bytes, ledger);
  if (read === undefined || !(await signatureValid(read))) return undefined;
  return { id: read.entry.id, ledger, digest: sha256Sync(bytes) };
}

/**
 * `receiptFor` with the signature checked by a runtime's synchronous verifier (ed25519.ts),
 * which decides as WebCrypto does: the same receipt, or none, with no promise.
 */
export function receiptWith(
  bytes: Uint8Array,
  ledger: string,
  verifier: Ed25519Verifier,
): EntryReceipt | undefined {
  const read = readForReceipt(bytes, ledger);
  if (read === undefined || !signatureValidSync(read, verifier)) return undefined;
  return { id: read.entry.id, ledger, digest: sha256Sync(bytes) };
}

/** `readEntry` of untrusted bytes, or undefined where it refuses them. */
function readForReceipt(bytes: Uint8Array, ledger: string): ReadEntry | undefined {
  try {
    return readEntry(bytes, undefined, { ledger });
  } catch (error) {
    if (isPatchtrailError(error)) return undefined;
    throw error;
  }
}

/**
 * The entry a receipt vouches for, when it was made for exactly these bytes, this ledger and
 * (when the bytes travelled under a key) this id; undefined otherwise.
 */
export function receiptedEntry(
  bytes: Uint8Array,
  receipt: EntryReceipt,
  ledger: string,
  key: string | undefined,
): Entry | undefined {
  if (receipt.ledger !== ledger || (key !== undefined && key !== receipt.id)) return undefined;
  if (receipt.digest.length !== 32 || !bytesEqual(sha256Sync(bytes), receipt.digest))
    return undefined;
  try {
    // Bytes readEntry accepted as this id: the entry a restore builds from vouched bytes.
    return vouchedEntry(bytes, receipt.id);
  } catch {
    return undefined;
  }
}
