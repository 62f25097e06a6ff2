/**
 * Reopening the ledger store: the ledger is rebuilt from its segments in stored order. A
 * segment whose digest vouches for it (core/ledger/segments.ts) is restored without the checks its
 * entries passed before (`Ledger.restore`); any other is admitted in full, signatures
 * included, and written again with a fresh digest. Stored entries the ledger refuses now go to
 * the quarantine and out of the store, and runs of small segments (left by entries that
 * arrived a few at a time) are merged, so the next reopen reads few values.
 */
import type { ErrorCode } from '../core/errors.ts';
import type { AdmitResult, Ledger } from '../core/ledger/ledger.ts';
import type { LedgerDb } from './ledger-db.ts';
import { utf8Decode } from '../core/encoding/bytes.ts';
import { parseJson } from '../core/encoding/canonical-json.ts';
import {
  segmentVouched,
  unpack,
  type PackedEntry,
  type SegmentRow,
  type Unpacked,
} from '../core/ledger/segments.ts';
import { digestMark, type WriteOp } from './ledger-writer.ts';

/** Entries per progress report. */
const PROGRESS_EVERY = 1000;
/** Segments of fewer entries are merged with their neighbours, up to MERGE_ENTRIES... */
const SMALL_SEGMENT = 64;
const MERGE_ENTRIES = 1000;
/** ...and up to this many bytes. */
const MERGE_BYTES = 1 << 20;

export interface StoreLoadReport {
  /** Stored entries admitted again (the genesis not counted). */
  admitted: number;
  /** Of those, entries restored from a vouched segment: no signature check. */
  cached: number;
  /** Stored entries still waiting for a predecessor the store does not hold. */
  held: number;
  /** Stored entries the validator refuses now: moved to the quarantine. */
  rejected: { id: string; code: ErrorCode; message: string }[];
}

export interface RebuildOptions {
  progress?: (done: number, total: number) => void;
  /** Check every stored entry in full, whatever the digests say. */
  ignoreCache?: boolean;
}

/** What a stored segment holds after the rebuild, and whether it must be written again. */
interface Kept {
  key: number;
  /** The entries the stored segment says it holds. */
  stored: number;
  entries: PackedEntry[];
  bytes: number;
  changed: boolean;
  forget: string[];
  /** Its entries could not be read at all (their ids are unknown). */
  unreadable: boolean;
  /** The digest it was read with (rewritten only if it still has it: `digestMark`). */
  digest: string;
}

/**
 * Counts entries done and reports every PROGRESS_EVERY, and once at the end. Without a total
 * (segments read in a worker arrive before anyone has counted them) reports say 0 for it until
 * the end, which gives the count done as the total.
 */
export function progressCounter(
  total: number | undefined,
  report?: (done: number, total: number) => void,
) {
  let done = 0;
  return {
    step() {
      if (++done % PROGRESS_EVERY === 0) report?.(done, total ?? 0);
    },
    end() {
      if (done % PROGRESS_EVERY !== 0 || done === 0 || total === undefined)
        report?.(done, total ?? done);
    },
  };
}

/** Adds one stored entry's outcome to the report (`vouched`: its signature went unchecked). */
export function countResult(
  report: StoreLoadReport,
  id: string,
  result: AdmitResult,
  vouched: boolean,
) {
  if (result.status === 'rejected') {
    const { code = 'MALFORMED_INPUT', message = '' } = result;
    report.rejected.push({ id, code, message });
  } else if (result.status === 'admitted') {
    report.admitted += 1 + result.released.length;
    if (vouched) report.cached++;
  }
}

/**
 * A vouched segment's entries parsed in one call (its text is one JSON array), or undefined
 * when that fails: each entry is then parsed on its own (and refused if it is not JSON).
 */
function parseAll(segment: Unpacked): unknown[] | undefined {
  try {
    const values = parseJson(utf8Decode(segment.text, 'segment'), 'segment');
    return Array.isArray(values) && values.length === segment.entries.length ? values : undefined;
  } catch {
    return undefined;
  }
}

/** Rebuilds one segment's entries into the ledger; what it keeps. */
async function rebuildSegment(
  ledger: Ledger,
  row: SegmentRow,
  vouched: boolean,
  report: StoreLoadReport,
  step: () => void,
): Promise<Kept> {
  const segment = row.packed instanceof Uint8Array ? unpack(row.packed) : undefined;
  const entries = segment?.entries ?? [];
  const parsed = vouched && segment !== undefined ? parseAll(segment) : undefined;
  const kept: Kept = {
    key: row.key as number,
    stored: Number.isSafeInteger(row.count) ? row.count : 0,
    entries: [],
    bytes: 0,
    changed: segment === undefined,
    forget: [],
    unreadable: segment === undefined,
    digest: digestMark(row),
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as PackedEntry;
    step();
    if (entry.id !== ledger.id) {
      const result = vouched
        ? ledger.restore(entry.bytes, entry.id, parsed?.[i])
        : await ledger.admit(entry.bytes, { key: entry.id });
      countResult(report, entry.id, result, vouched);
      if (result.status === 'rejected') {
        kept.changed = true;
        kept.forget.push(entry.id);
        continue;
      }
    }
    kept.entries.push(entry);
    kept.bytes += entry.bytes.length;
  }
  if (entries.length !== row.count) kept.changed = true;
  return kept;
}

/** A stored segment as read, and whether its digest vouches for it (perhaps still checking). */
export interface StoredSegment {
  row: SegmentRow;
  intact: boolean | Promise<boolean>;
}

/** What a reopen reads: every stored segment in key order, and the entries they hold in all. */
export interface SegmentSource {
  /** Stored entries, for progress (the segments' own counts), when known before reading. */
  total: number | undefined;
  segments: Iterable<StoredSegment> | AsyncIterable<StoredSegment>;
}

/** How a reopen reads the segments: here (`readSegmentsHere`), or in a worker (the app's). */
export type ReadSegments = (db: LedgerDb, ledgerId: string) => Promise<SegmentSource>;

/**
 * The stored segments with a key above `after` (-1: all), in key order, in one read on this
 * thread (a few large values: the ledger keeps views into them as its entries' bytes, so
 * reading them in parts would save no memory), with every digest asked for at once: WebCrypto
 * hashes them off this thread while entries are restored.
 */
export async function segmentsHere(
  db: LedgerDb,
  ledgerId: string,
  after = -1,
): Promise<StoredSegment[]> {
  const rows = await db.getAll('segments', IDBKeyRange.lowerBound(after, true));
  return rows.map((row) => ({ row, intact: segmentVouched(ledgerId, row) }));
}

export const readSegmentsHere: ReadSegments = async (db, ledgerId) => {
  const segments = await segmentsHere(db, ledgerId);
  const total = segments.reduce(
    (n, { row }) => n + (Number.isSafeInteger(row.count) ? row.count : 0),
    0,
  );
  return { total, segments };
};

/** Rebuilds the ledger from the segments, in order; the segments as they now stand. */
export async function rebuildSegments(
  ledger: Ledger,
  segments: Iterable<StoredSegment> | AsyncIterable<StoredSegment>,
  report: StoreLoadReport,
  options: RebuildOptions,
  step: () => void,
): Promise<Kept[]> {
  const out: Kept[] = [];
  for await (const { row, intact: vouched } of segments) {
    const intact = await vouched;
    const full = !intact || options.ignoreCache === true;
    const kept = await rebuildSegment(ledger, row, !full, report, step);
    out.push(intact ? kept : { ...kept, changed: true });
  }
  return out;
}

/** The writes that drop refused entries, refresh digests and merge runs of small segments. */
export function segmentRewrites(segments: readonly Kept[]): WriteOp[] {
  const ops: WriteOp[] = [];
  let run: Kept[] = [];
  const close = () => {
    const [first, ...rest] = run;
    if (first !== undefined && (rest.length > 0 || first.changed))
      ops.push({
        op: 'rewrite',
        key: first.key,
        entries: run.flatMap((k) => k.entries),
        remove: rest.map((k) => k.key),
        forget: run.flatMap((k) => k.forget),
        read: new Map(run.map((k) => [k.key, k.digest])),
      });
    run = [];
  };
  for (const kept of segments) {
    const small = kept.entries.length < SMALL_SEGMENT;
    const entries = run.reduce((n, k) => n + k.entries.length, kept.entries.length);
    const bytes = run.reduce((n, k) => n + k.bytes, kept.bytes);
    if (!small || entries > MERGE_ENTRIES || bytes > MERGE_BYTES) close();
    run.push(kept);
    if (!small) close();
  }
  close();
  if (segments.some((k) => k.unreadable))
    ops.push({ op: 'reindex', ids: segments.flatMap((k) => k.entries.map((e) => e.id)) });
  return ops;
}
