/**
 * The validator's checks of one untrusted entry against the ledger, in order: size, canonical
 * decode, fields, hash (against the key it travelled under), ledger id, signature (entry.ts);
 * then the chain link to the author's previous entry when it is here, and the kind rules that
 * need more than the entry itself (rotation and equivocation proofs). Everything fails with a
 * coded `PatchtrailError`; nothing here changes the ledger.
 */
import { publicKeyFromDid } from '../crypto/did-key.ts';
import { verify } from '../crypto/ed25519.ts';
import { concatBytes, fromBase64, utf8Encode } from '../encoding/bytes.ts';
import { canonicalBytes } from '../encoding/canonical-json.ts';
import { reject } from '../errors.ts';
import { decodeEntry, type Entry } from './entry.ts';
import type { EquivocationBody, RotateBody } from './kinds.ts';

export interface AdmitOptions {
  /** The key the bytes travelled under (a Y.Map key, a file index): must be their id. */
  key?: string;
  /**
   * These exact bytes were verified on this device before (the verification cache vouches for
   * them): the signature is not checked again, though everything else is.
   */
  verifiedBefore?: boolean;
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
  const entry = await decodeEntry(bytes, options.key, {
    ledger: ledgerId,
    skipSignature: options.verifiedBefore === true,
  });
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
