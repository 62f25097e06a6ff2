/**
 * The ledger admission job's messages. The app's admission (src/app/worker-admission.ts) sends
 * a batch of untrusted entries as one buffer and their end offsets, with the ledger's id; the
 * worker reads each entry in full and verifies its signature (admit-job.ts), and sends the same
 * buffer back with a verdict, an id and a digest per entry: a receipt (core/ledger/receipt.ts).
 * The ledger's `admit` on the main thread stays the single writer: it takes a receipt only for
 * bytes that hash to its digest, and checks anything else in full.
 */
import { isRecord } from './protocol.ts';

/** The entry read in full and its signature verified: admission may take the receipt. */
export const SIGNATURE_VERIFIED = 1;
/** Anything else: admission checks the entry in full and gives the reason. */
export const CHECK_IN_FULL = 0;

export interface AdmitCheckRequest {
  kind: 'admit-check';
  id: number;
  /** The ledger the entries must belong to. */
  ledger: string;
  /** The entries, back to back; transferred. */
  bytes: ArrayBuffer;
  /** Entry i is bytes[ends[i-1] .. ends[i]) (ends[-1] = 0); transferred. */
  ends: Uint32Array;
}

export interface AdmitCheckAnswer {
  kind: 'admit-checked';
  id: number;
  /** The request's buffers, moved back: the verdicts are about exactly these bytes. */
  bytes: ArrayBuffer;
  ends: Uint32Array;
  /** One verdict per entry: SIGNATURE_VERIFIED or CHECK_IN_FULL. */
  verdicts: Uint8Array;
  /** Per entry, 32 bytes: the SHA-256 of the content its signature was verified over. */
  ids: Uint8Array;
  /** Per entry, 32 bytes: the SHA-256 of the entry's bytes as read. */
  digests: Uint8Array;
}

/** Whether `ends` are offsets that rise within a buffer of `length` bytes. */
export function endsFit(ends: Uint32Array, length: number): boolean {
  let previous = 0;
  for (const end of ends) {
    if (end < previous || end > length) return false;
    previous = end;
  }
  return true;
}

export function isAdmitCheckRequest(value: unknown): value is AdmitCheckRequest {
  if (!isRecord(value) || value.kind !== 'admit-check' || !Number.isSafeInteger(value.id))
    return false;
  if (typeof value.ledger !== 'string' || !(value.bytes instanceof ArrayBuffer)) return false;
  return value.ends instanceof Uint32Array && endsFit(value.ends, value.bytes.byteLength);
}

export function isAdmitCheckAnswer(value: unknown): value is AdmitCheckAnswer {
  if (!isRecord(value) || value.kind !== 'admit-checked' || !Number.isSafeInteger(value.id))
    return false;
  const { bytes, ends, verdicts } = value;
  if (!(bytes instanceof ArrayBuffer) || !(ends instanceof Uint32Array)) return false;
  if (!(verdicts instanceof Uint8Array) || verdicts.length !== ends.length) return false;
  const fits = (digest: unknown) =>
    digest instanceof Uint8Array && digest.length === 32 * ends.length;
  return fits(value.ids) && fits(value.digests);
}
