/**
 * Why a proof pack could not be made, in words for whoever pressed the button (often a
 * technician, not the admin who can fix it): what it means and what to do next. The code and
 * the core's message stay beneath, small, for support. Pure: no DOM.
 */

export interface ProofRefusalWords {
  /** What happened, in plain words. */
  what: string;
  /** What to do about it, and what serves meanwhile. */
  next: string;
}

/** The exports beside the filters show the same apply, rollback or refusal without a pack. */
const MEANWHILE = 'Meanwhile, Export JSON or Export CSV above shows what was done.';

export function proofRefusalWords(code: string, message: string): ProofRefusalWords {
  switch (code) {
    case 'STALE_LEDGER':
      return {
        what: 'No proof pack yet: no checkpoint of the team’s ledger covers this patch’s entries.',
        next: `Ask an admin to checkpoint the ledger and sync it to this device, then try again. ${MEANWHILE}`,
      };
    case 'POLICY_DENIED':
      return {
        what: 'No proof pack: the checkpoints that cover this patch lack the witnesses’ cosignatures.',
        next: `Ask an admin to have the newest checkpoint cosigned and synced, then try again. ${MEANWHILE}`,
      };
    case 'TOO_LARGE':
      return {
        what: 'No proof pack: this patch has more ledger entries than one pack may hold.',
        next: MEANWHILE,
      };
    default:
      return { what: `No proof pack: ${message}.`, next: MEANWHILE };
  }
}
