/** Documented limits of the ledger; inputs beyond them are `TOO_LARGE` before any parsing. */

/** One entry on the wire, except equivocation proofs (which carry two entries). */
export const MAX_ENTRY_BYTES = 64 * 1024;
/** An equivocation proof: two entries, base64, plus its own fields. */
export const MAX_PROOF_ENTRY_BYTES = 3 * MAX_ENTRY_BYTES;
/** Hashes of other authors' heads an entry may cite. */
export const MAX_REFS = 8;
/** Founding admins named by a genesis entry. */
export const MAX_ADMINS = 64;
/** Entries held while they wait for a predecessor or parent; beyond it the oldest go. */
export const MAX_PENDING = 10_000;
/** Rejected entries kept as evidence; beyond it the oldest go (each is at most one entry). */
export const MAX_QUARANTINE = 10_000;
/** Bytes the quarantine keeps in all; beyond it the oldest records go. */
export const MAX_QUARANTINE_BYTES = 64 * 1024 * 1024;
/** Of an input over MAX_PROOF_ENTRY_BYTES, the quarantine keeps this much as evidence. */
export const OVERSIZED_EVIDENCE_BYTES = 4096;
/** A ledger file. */
export const MAX_LEDGER_FILE_BYTES = 1024 * 1024 * 1024;
/** Free-text fields (names, reasons, notes, evidence). */
export const MAX_TEXT = 4096;
