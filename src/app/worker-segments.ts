/**
 * A large ledger store reopened with its segments read in a pool worker
 * (worker/segments-job.ts): the worker reads them in one transaction, checks their digests and
 * sends them in parts, buffers transferred, while this thread restores the parts already come.
 * Reading and hashing no longer cost this thread anything (about 250 ms at 100k entries,
 * docs/app.md). A store of few segments is read here as before: a worker that still has to
 * start would cost more than it saves. The worker must send exactly the segments this thread
 * listed, in order; if it fails or sends anything else (a store changed by another tab
 * meanwhile, too), the segments not yet taken are read here, after the last one taken.
 */
import { WorkerUnavailableError, type WorkerPool } from './worker-pool.ts';
import {
  isReadSegmentsAnswer,
  isSegmentsPart,
  type ReadSegmentsAnswer,
} from '../../worker/segments-protocol.ts';
import {
  readSegmentsHere,
  segmentsHere,
  type ReadSegments,
  type StoredSegment,
} from '../storage/ledger-store.ts';
import type { LedgerDb } from '../storage/ledger-db.ts';
import { nextTask } from '../sync/yielding.ts';

/** Below this many segments (about as many thousand entries) they are read on this thread. */
export const WORKER_SEGMENTS = 16;
/**
 * Restoring what the worker sent ahead gives the page a turn after this long (one segment of
 * 1,000 entries takes 4–6 ms more), so it paints the progress and takes input meanwhile.
 */
const SLICE_MS = 16;

/**
 * Measured once the segments of a reading in a worker are all taken: its detail says how many
 * the worker sent and whether the rest were read on this thread after it failed.
 */
export const WORKER_READ_MEASURE = 'patchtrail:ledger-store:worker-read';

export interface WorkerReadDetail {
  fromWorker: number;
  fellBack: boolean;
}

/**
 * Asks the worker for the segments now; the segments as its parts arrive, then (if it failed)
 * the rest read here.
 */
function fromWorker(
  pool: WorkerPool,
  db: LedgerDb,
  ledgerId: string,
  keys: readonly number[],
): AsyncIterable<StoredSegment> {
  const queue: StoredSegment[] = [];
  let last = -1;
  let received = 0; // segments the parts brought: keys[0 .. received)
  let wake: (() => void) | undefined;
  let finished = false;
  let failed = false;
  const stop = new AbortController();
  const started = performance.now();
  let taken = 0;
  void pool
    .run<ReadSegmentsAnswer>(
      (id) => ({ kind: 'read-segments', id, database: db.name, ledger: ledgerId, after: -1 }),
      {
        read(value) {
          if (!isReadSegmentsAnswer(value) || value.count !== received || received < keys.length)
            throw new TypeError('the worker did not send every segment');
          return value;
        },
        onPart(value) {
          if (!isSegmentsPart(value)) throw new TypeError('not a part of segments');
          // Exactly the next segments this thread listed, or none: nothing skipped, nothing twice.
          if (value.rows.some((row, i) => row.key !== keys[received + i]))
            throw new TypeError('segments out of order');
          value.rows.forEach((row, i) => queue.push({ row, intact: value.intact[i] as boolean }));
          received += value.rows.length;
          wake?.();
        },
        signal: stop.signal,
      },
    )
    .catch((error: unknown) => {
      failed = true;
      // Stopped by the rebuild itself (it ended early), or the worker is gone: nothing to say.
      if (!stop.signal.aborted && !(error instanceof WorkerUnavailableError))
        console.warn(`patchtrail: reading the ledger store in a worker failed: ${String(error)}`);
    })
    .finally(() => {
      finished = true;
      wake?.();
    });
  async function* segments(): AsyncGenerator<StoredSegment> {
    let slice = performance.now();
    try {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          if (performance.now() - slice > SLICE_MS) {
            await nextTask();
            slice = performance.now();
          }
          last = next.row.key as number;
          taken++;
          yield next;
        } else if (finished) break;
        else {
          await new Promise<void>((resolve) => (wake = resolve));
          slice = performance.now(); // a part's message: the page had its turn
        }
      }
      // What the worker did not send: read here, after the last segment taken.
      if (failed) yield* await segmentsHere(db, ledgerId, last);
      const detail: WorkerReadDetail = { fromWorker: taken, fellBack: failed };
      performance.measure(WORKER_READ_MEASURE, { start: started, detail });
    } finally {
      stop.abort(); // a rebuild that stopped early takes no more parts
    }
  }
  return segments();
}

/** Reads a store's segments in a worker of `pool` when there are `minSegments` or more. */
export function readSegmentsWith(pool: WorkerPool, minSegments = WORKER_SEGMENTS): ReadSegments {
  return async (db, ledgerId) => {
    if (!pool.usable) return readSegmentsHere(db, ledgerId);
    const keys = await db.getAllKeys('segments');
    if (keys.length < minSegments) return readSegmentsHere(db, ledgerId);
    // No total: counting the stored ids first would hold up the worker's reads (80 ms at 100k).
    return { segments: fromWorker(pool, db, ledgerId, keys), total: undefined };
  };
}
