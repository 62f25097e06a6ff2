/**
 * Restoring a ledger from this device's own record of what it verified. An entry's checks
 * split in two: those that depend on its bytes alone (size, canonical decode, fields, hash
 * against its id, ledger id, signature, and the rotation and equivocation proofs it carries)
 * and those that depend on the other entries (the chain link, holding, the newcomer quota,
 * duplicates, standing). A store that recorded, under a digest of the exact bytes and ids,
 * that these entries passed the first group on this device under these rules (RESTORE_RULES)
 * may hand them back through `Ledger.restore`: the first group is skipped, the second runs
 * exactly as in `admit`, so the ledger comes out as admission of the same bytes in the same
 * order would leave it. The caller vouches for the bytes; nothing here can tell.
 */
import { reject } from '../errors.ts';
import { checkLink } from './admission.ts';
import type { Entry } from './entry.ts';

/**
 * The version of the checks that depend on an entry's bytes alone. A record of what passed
 * them vouches only under the same version: change it whenever one of those checks changes
 * (readEntry, checkFields, checkBody, the signature or proof checks), so entries recorded
 * under older rules are admitted in full again.
 */
export const RESTORE_RULES = 2; // 2: a signature has one spelling (standard, padded base64)

/**
 * The checks of `checkEntry` that depend on other entries (or the ledger's id); `previous` is
 * the admitted entry `entry.prev` names, if any.
 */
export function checkVouched(entry: Entry, ledgerId: string, previous: Entry | undefined): void {
  if (entry.kind === 'genesis') {
    if (entry.id !== ledgerId) reject('MALFORMED_INPUT', 'a second genesis entry');
    return;
  }
  if (previous !== undefined) checkLink(entry, previous);
}
