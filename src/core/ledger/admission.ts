/**
 * The validator's checks of one untrusted entry against the ledger, in order: size, canonical
 * decode, fields, hash (against the key it travelled under), ledger id, signature (entry.ts);
 * then the chain link to the author's previous entry when it is here, and the kind rules that
 * need more than the entry itself (rotation and equivocation proofs). Everything fails with a
 * coded `PatchtrailError`; nothing here changes the ledger.
 */
import { publicKeyFromDid } from '../crypto/did-key.ts';
import { verify } from '../crypto/ed25519.ts';
import { bytesEqual, concatBytes, fromBase64, utf8Encode } from '../encoding/bytes.ts';
import { canonicalBytes } from '../encoding/canonical-json.ts';
import { isPatchtrailError, reject, type PatchtrailError } from '../errors.ts';
import {
  decodeEntry,
  invalidSignature,
  readEntry,
  signatureValid,
  type Entry,
  type ReadEntry,
} from './entry.ts';
import type { EquivocationBody, RotateBody } from './kinds.ts';
import { receiptedEntry, type EntryReceipt } from './receipt.ts';

export interface AdmitOptions {
  /** The key the bytes travelled under (a Y.Map key, a file index): must be their id. */
  key?: string;
  /**
   * These exact bytes were verified on this device before (the verification cache vouches for
   * them): the signature is not checked again, though everything else is.
   */
  verifiedBefore?: boolean;
  /**
   * These bytes as `precheckEntry` read them, their signature check already under way: admitting
   * a file reads ahead, so that several signatures are checked at once while admission itself
   * stays in order. Used only when it was made for these same bytes, key and `verifiedBefore`;
   * otherwise the bytes are read and checked here as if it were absent.
   */
  precheck?: Precheck;
  /**
   * Who checks the signature (default: `signatureValid`, this thread). It must decide exactly
   * as `signatureValid` does: the CLI passes one that runs that same function on worker
   * threads, since a runtime may verify on the calling thread (Node's WebCrypto does).
   */
  checkSignature?: SignatureCheck;
  /**
   * These bytes were read in full and their signature verified on another thread (receipt.ts):
   * used only when it was made for exactly these bytes, this ledger and `key`; otherwise the
   * bytes are read and checked here as if it were absent.
   */
  receipt?: EntryReceipt;
}

/** Checks a read entry's signature: true when it verifies under its author's key. */
export type SignatureCheck = (read: ReadEntry) => Promise<boolean>;

/**
 * An entry read ahead of its admission, its signature being checked meanwhile, bound to the
 * bytes, key and `verifiedBefore` it was read with.
 */
export interface Precheck {
  readonly bytes: Uint8Array;
  readonly key: string | undefined;
  readonly verifiedBefore: boolean;
  readonly outcome: { read: ReadEntry; valid: Promise<boolean> } | { error: PatchtrailError };
}

/** Reads an entry (all but the signature) and starts checking its signature. */
export function precheckEntry(
  bytes: Uint8Array,
  options: AdmitOptions,
  ledgerId: string,
): Precheck {
  const verifiedBefore = options.verifiedBefore === true;
  const made = (outcome: Precheck['outcome']) => ({
    bytes,
    key: options.key,
    verifiedBefore,
    outcome,
  });
  try {
    const read = readEntry(bytes, options.key, { ledger: ledgerId });
    const check = options.checkSignature ?? signatureValid;
    return made({ read, valid: verifiedBefore ? Promise.resolve(true) : check(read) });
  } catch (error) {
    if (isPatchtrailError(error)) return made({ error });
    throw error;
  }
}

/** `options.precheck` when it was made for exactly these bytes and options, else a new one. */
function precheckFor(bytes: Uint8Array, options: AdmitOptions, ledgerId: string): Precheck {
  const given = options.precheck;
  const fits =
    given !== undefined &&
    given.key === options.key &&
    given.verifiedBefore === (options.verifiedBefore === true) &&
    (given.bytes === bytes || bytesEqual(given.bytes, bytes));
  return fits ? given : precheckEntry(bytes, options, ledgerId);
}

const ROTATE_DOMAIN = utf8Encode('patchtrail key rotation v1\n');

/** What a new key signs to accept a rotation: the ledger, the old key and itself. */
export function rotationMessage(ledger: string, from: string, to: string): Uint8Array {
  return concatBytes(ROTATE_DOMAIN, canonicalBytes({ ledger, from, to }));
}

/** Checks untrusted bytes as an entry of ledger `ledgerId`; `get` reads admitted entries. */
export async function checkEntry(
  bytes: Uint8Array,
  options: AdmitOptions,
  ledgerId: string,
  get: (id: string) => Entry | undefined,
): Promise<Entry> {
  const entry = await readChecked(bytes, options, ledgerId);
  if (entry.kind === 'genesis') {
    if (entry.id !== ledgerId) reject('MALFORMED_INPUT', 'a second genesis entry');
    return entry;
  }
  const previous = entry.prev === null ? undefined : get(entry.prev);
  if (previous !== undefined) checkLink(entry, previous);
  // Only these kinds have checks that need more than the entry (and a signature to verify).
  if (entry.kind === 'rotate') await checkRotation(entry, ledgerId);
  if (entry.kind === 'equivocation') await checkEquivocationProof(entry, ledgerId);
  return entry;
}

/** The entry the bytes hold, everything about it alone checked, its signature included. */
async function readChecked(
  bytes: Uint8Array,
  options: AdmitOptions,
  ledgerId: string,
): Promise<Entry> {
  const { receipt, key } = options;
  const receipted = receipt && receiptedEntry(bytes, receipt, ledgerId, key);
  if (receipted !== undefined) return receipted;
  const { outcome } = precheckFor(bytes, options, ledgerId);
  if ('error' in outcome) throw outcome.error;
  if (!(await outcome.valid)) invalidSignature(outcome.read.entry);
  return outcome.read.entry;
}

/** The entry must follow its author's entry at seq - 1. */
export function checkLink(entry: Entry, previous: Entry): void {
  if (previous.author !== entry.author || previous.seq !== entry.seq - 1)
    reject(
      'MALFORMED_INPUT',
      `${entry.id}: prev is not its author's entry at seq ${entry.seq - 1}`,
    );
}

async function checkRotation(entry: Entry, ledgerId: string): Promise<void> {
  const { to, proof } = entry.body as RotateBody;
  const message = rotationMessage(ledgerId, entry.author, to);
  if (!(await verify(publicKeyFromDid(to), message, fromBase64(proof, 'rotation proof'))))
    reject('INVALID_SIGNATURE', `${entry.id}: the new key did not sign the rotation`);
}

async function checkEquivocationProof(entry: Entry, ledgerId: string): Promise<void> {
  const body = entry.body as EquivocationBody;
  const [a, b] = await Promise.all(
    [body.a, body.b].map((s) => decodeEntry(fromBase64(s, 'proof entry'))),
  );
  if (a === undefined || b === undefined) return;
  if (a.ledger !== ledgerId || b.ledger !== ledgerId)
    reject('MALFORMED_INPUT', 'an equivocation proof about another ledger');
  if (a.author !== b.author || a.seq !== b.seq || a.id === b.id)
    reject('MALFORMED_INPUT', 'an equivocation proof needs two entries by one author, one seq');
}
