/**
 * The segment reading job's messages. Reopening a large ledger store (src/storage), the main
 * thread asks a pool worker to read the store's segments in one IndexedDB transaction and check
 * each one's digest (segments-job.ts): the worker sends them back in parts, in key order, each
 * segment's bytes transferred (moved, not copied) with whether its digest vouches for them, then
 * answers with how many it sent. Reading and hashing 85 MB of segments then costs the main
 * thread nothing; it restores each part as it arrives (src/app/worker-segments.ts).
 */
import { isRecord } from './protocol.ts';
import type { SegmentRow } from '../src/core/ledger/segments.ts';

export interface ReadSegmentsRequest {
  kind: 'read-segments';
  id: number;
  /** The store's IndexedDB database name (ledgerStoreName). */
  database: string;
  /** The ledger the digests must be about. */
  ledger: string;
  /** Only segments with a key above this one (-1: all). */
  after: number;
}

/** Some of the segments, in key order, each with whether its digest vouches for it. */
export interface SegmentsPart {
  kind: 'part';
  id: number;
  rows: SegmentRow[];
  intact: boolean[];
}

export interface ReadSegmentsAnswer {
  kind: 'segments-read';
  id: number;
  /** Segments sent in parts. */
  count: number;
}

export function isReadSegmentsRequest(value: unknown): value is ReadSegmentsRequest {
  if (!isRecord(value) || value.kind !== 'read-segments' || !Number.isSafeInteger(value.id))
    return false;
  return (
    typeof value.database === 'string' &&
    typeof value.ledger === 'string' &&
    Number.isSafeInteger(value.after)
  );
}

/**
 * A stored segment as it came back: the fields a rebuild reads, of the right types. A damaged
 * stored row fails this too (bytes that are not bytes, a digest missing), and the part with
 * it is refused: the main thread then reads that row itself and decides (ledger-rebuild.ts),
 * rather than dropping a segment on a worker's word.
 */
function isSegmentRow(value: unknown): value is SegmentRow {
  return (
    isRecord(value) &&
    Number.isSafeInteger(value.key) &&
    value.packed instanceof Uint8Array &&
    value.digest instanceof Uint8Array &&
    typeof value.rules === 'number' &&
    typeof value.count === 'number'
  );
}

export function isSegmentsPart(value: unknown): value is SegmentsPart {
  if (!isRecord(value) || value.kind !== 'part' || !Number.isSafeInteger(value.id)) return false;
  const { rows, intact } = value;
  if (!Array.isArray(rows) || !Array.isArray(intact) || rows.length !== intact.length) return false;
  return rows.every(isSegmentRow) && intact.every((v) => typeof v === 'boolean');
}

export function isReadSegmentsAnswer(value: unknown): value is ReadSegmentsAnswer {
  return (
    isRecord(value) &&
    value.kind === 'segments-read' &&
    Number.isSafeInteger(value.id) &&
    Number.isSafeInteger(value.count)
  );
}
