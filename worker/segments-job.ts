/**
 * What a pool worker does with a `read-segments` request (segments-protocol.ts): opens the
 * ledger store's database (never creating it), reads its segments in one read-only transaction
 * (a consistent view, as the main thread's single read is), checks each segment's digest
 * (core/ledger/segments.ts, the same check), and posts them in parts of PART_SEGMENTS, in key
 * order, each segment's buffer transferred. Every read is asked for at once, inside the
 * transaction; digests and posting follow in order. The worker only reads: the main thread
 * stays the store's single writer.
 */
import { segmentVouched, type SegmentRow } from '../src/core/ledger/segments.ts';
import type { JobContext } from './job-context.ts';
import type { Posted } from './reputation-protocol.ts';
import type { ReadSegmentsAnswer, ReadSegmentsRequest, SegmentsPart } from './segments-protocol.ts';

/** Segments per part: about 3 MB at a thousand 800-byte entries each. */
export const PART_SEGMENTS = 4;

/** Opens an existing database at its version; one that does not exist is not created. */
function openExisting(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    // An upgrade here means the database did not exist: aborting it leaves nothing behind.
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error(`cannot open ${name}`));
  });
}

/**
 * The segment's bytes in a buffer of their own, so that buffer can be transferred. A damaged
 * row (bytes that are not bytes) goes as it is, and the main thread, refusing the part, reads
 * it itself: nothing here may throw on stored data.
 */
function ownBuffer(row: SegmentRow): SegmentRow {
  const { packed } = row as { packed: unknown };
  if (!(packed instanceof Uint8Array)) return row;
  const whole = packed.byteOffset === 0 && packed.byteLength === packed.buffer.byteLength;
  return whole ? row : { ...row, packed: packed.slice() };
}

/** The buffers to move with a part: each segment's bytes, each buffer once. */
function transfers(rows: readonly SegmentRow[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { packed } of rows as readonly { packed: unknown }[])
    if (packed instanceof Uint8Array) buffers.add(packed.buffer as ArrayBuffer);
  return [...buffers];
}

function readParts(
  db: IDBDatabase,
  request: ReadSegmentsRequest,
  context: JobContext,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('segments', 'readonly');
    const store = tx.objectStore('segments');
    let sent: Promise<number> = Promise.resolve(0);
    const send = (rows: SegmentRow[]) => {
      const own = rows.map(ownBuffer);
      const intact = Promise.all(own.map((row) => segmentVouched(request.ledger, row)));
      sent = sent.then(async (count) => {
        const part: SegmentsPart = {
          kind: 'part',
          id: request.id,
          rows: own,
          intact: await intact,
        };
        context.throwIfCancelled();
        context.part(part, transfers(own));
        return count + own.length;
      });
      sent.catch(() => undefined); // seen once the transaction ends
    };
    const keys = store.getAllKeys(IDBKeyRange.lowerBound(request.after, true));
    keys.onsuccess = () => {
      const all = keys.result as number[];
      for (let i = 0; i < all.length; i += PART_SEGMENTS) {
        const last = all[Math.min(i + PART_SEGMENTS, all.length) - 1] as number;
        const rows = store.getAll(IDBKeyRange.bound(all[i], last));
        rows.onsuccess = () => send(rows.result as SegmentRow[]);
      }
    };
    tx.oncomplete = () => sent.then(resolve, reject);
    tx.onabort = () => reject(tx.error ?? new Error('the segment read was aborted'));
  });
}

export async function runReadSegments(
  request: ReadSegmentsRequest,
  context: JobContext,
): Promise<Posted<ReadSegmentsAnswer>> {
  const db = await openExisting(request.database);
  try {
    if (!db.objectStoreNames.contains('segments'))
      throw new Error(`${request.database} holds no segments`);
    const count = await readParts(db, request, context);
    return { message: { kind: 'segments-read', id: request.id, count }, transfer: [] };
  } finally {
    db.close();
  }
}
