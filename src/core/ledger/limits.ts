/** Documented limits of the ledger; inputs beyond them are `TOO_LARGE` before any parsing. */

/** One entry on the wire, except equivocation proofs (which carry two entries). */
export const MAX_ENTRY_BYTES = 64 * 1024;
/** An equivocation proof: two entries, base64, plus its own fields. */
export const MAX_PROOF_ENTRY_BYTES = 3 * MAX_ENTRY_BYTES;
/** Hashes of other authors' heads an entry may cite. */
export const MAX_REFS = 8;
/** Founding admins named by a genesis entry. */
export const MAX_ADMINS = 64;
/** Entries held while they wait for their author's previous entry; beyond it the oldest go. */
export const MAX_PENDING = 10_000;
/** Bytes those held entries may take in all; beyond it the oldest go. */
export const MAX_HELD_BYTES = 16 * 1024 * 1024;
/** Held entries of an author the ledger holds nothing of (a throwaway key, say). */
export const MAX_HELD_PER_UNKNOWN_AUTHOR = 32;
/** Registered keys no admin has vouched for (newcomers.ts); more wait for an endorsement. */
export const MAX_NEWCOMERS = 1024;
/** Newcomers' registrations waiting for an endorsement or a free slot; the oldest go first. */
export const MAX_WAITING_NEWCOMERS = 256;
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
