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
  /**
   * Every record added, oldest first, from `first` on: what goes when over the bounds (one
   * replaced by a newer record of its slot is skipped then). Not the Map's own order: starting
   * an iteration of a Map walks past the slots deleted since it last grew, thousands of them
   * per rejection once a flood of junk keeps it full.
   */
  private order: { slot: string; record: QuarantineRecord }[] = [];
  private first = 0;
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
    this.order.push({ slot, record });
    this.bytes += kept.length;
    while (this.records.size > MAX_QUARANTINE || this.bytes > MAX_QUARANTINE_BYTES) {
      const oldest = this.order[this.first++];
      if (oldest === undefined) break;
      if (this.records.get(oldest.slot) !== oldest.record) continue; // replaced since
      this.records.delete(oldest.slot);
      this.bytes -= oldest.record.bytes.length;
    }
    // Kept to about twice the records: the gone ones at the front, and the replaced ones.
    if (this.order.length - this.first > 2 * this.records.size + 1024) {
      this.order = this.order
        .slice(this.first)
        .filter(({ slot, record }) => this.records.get(slot) === record);
      this.first = 0;
    } else if (this.first > 1024 && this.first * 2 > this.order.length) {
      this.order.splice(0, this.first);
      this.first = 0;
    }
    return record;
  }

  list(): QuarantineRecord[] {
    return [...this.records.values()];
  }
}
