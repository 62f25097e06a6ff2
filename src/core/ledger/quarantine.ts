/**
 * The quarantine: rejected input kept as evidence with its code and message, never indexed.
 * Bounded: an oversized input keeps its first bytes only, one record per (key, code), and the
 * whole stays under MAX_QUARANTINE records and MAX_QUARANTINE_BYTES (the oldest go first).
 * Keys are attacker-chosen (a Y.Map key), so records live in a Map, never in an object.
 */
import type { ErrorCode, PatchtrailError } from '../errors.ts';
import {
  MAX_PROOF_ENTRY_BYTES,
  MAX_QUARANTINE,
  MAX_QUARANTINE_BYTES,
  OVERSIZED_EVIDENCE_BYTES,
} from './limits.ts';

export interface QuarantineRecord {
  /** The key it travelled under, or its content hash when it could be read. */
  key: string;
  code: ErrorCode;
  message: string;
  /** The input, or its first bytes when it was over the decode limit. */
  bytes: Uint8Array;
  /** The input's whole length. */
  size: number;
}

export class Quarantine {
  private readonly records = new Map<string, QuarantineRecord>();
  private bytes = 0;
  private rejections = 0;

  /** Records a rejection and returns the record kept. */
  add(key: string, error: PatchtrailError, bytes: Uint8Array): QuarantineRecord {
    const kept =
      bytes.length > MAX_PROOF_ENTRY_BYTES
        ? bytes.slice(0, OVERSIZED_EVIDENCE_BYTES)
        : bytes.slice();
    const record: QuarantineRecord = {
      key,
      code: error.code,
      message: error.message,
      bytes: kept,
      size: bytes.length,
    };
    const name = key === '' ? `#${this.rejections}` : key;
    this.rejections++;
    const slot = `${name} ${error.code}`;
    this.bytes -= this.records.get(slot)?.bytes.length ?? 0;
    this.records.delete(slot);
    this.records.set(slot, record);
    this.bytes += kept.length;
    for (const [oldest, old] of this.records) {
      if (this.records.size <= MAX_QUARANTINE && this.bytes <= MAX_QUARANTINE_BYTES) break;
      this.records.delete(oldest);
      this.bytes -= old.bytes.length;
    }
    return record;
  }

  list(): QuarantineRecord[] {
    return [...this.records.values()];
  }
}
