/**
 * A ledger's reputation over its history in a pool worker (worker/history-job.ts): the
 * Reputation screen's chart of one system's score, and its list of every system's score with
 * the reasons. The ledger crosses as its entries' bytes end to end in one transferred buffer
 * (history-protocol.ts), copied here in slices with a turn for the page every SLICE_MS, so even
 * 80 MB never holds it in one long task; everything else (rebuilding, `reputationInputs`, the
 * scores) runs in the worker. An answer that does not fit the request is a misbehaving worker:
 * the pool replaces it and the caller computes on the main thread, as when no worker can start.
 */
import type { Entry } from '../core/ledger/entry.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import {
  isHistoryScoredAnswer,
  type HistoryScoredAnswer,
  type PackedLedger,
  type ScoreHistoryRequest,
} from '../../worker/history-protocol.ts';
import { nextTask } from '../sync/yielding.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Copying goes on for this long before the page gets a turn. */
const SLICE_MS = 8;
/** Entries copied between two readings of the clock. */
const CHECK_EVERY = 64;

/** What to compute: the stops (entry counts), whose score, and whether to explain them all. */
export type HistoryJob = Pick<ScoreHistoryRequest, 'stops' | 'did' | 'explain' | 'scores'>;

export interface HistoryJobOptions {
  /** Stops done, of all the stops. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Calls `each` on every item, giving the page a turn after every `sliceMs` of it; stops at a
 * turn once `signal` is aborted (its reason thrown).
 */
async function sliced<T>(
  items: Iterable<T>,
  sliceMs: number,
  each: (item: T, i: number) => void,
  signal?: AbortSignal,
) {
  let since = performance.now();
  let i = 0;
  for (const item of items) {
    each(item, i);
    if (++i % CHECK_EVERY === 0 && performance.now() - since >= sliceMs) {
      await nextTask();
      signal?.throwIfAborted();
      since = performance.now();
    }
  }
}

/**
 * The ledger's entries as they cross: bytes end to end and ids, genesis first, admission order.
 * Listing the entries is sliced too (52 ms in one piece for 100k at a load average of 5), and
 * the clock is read every CHECK_EVERY entries (reading it for each took 41 ms of 100k).
 */
export async function packLedger(
  ledger: Ledger,
  sliceMs = SLICE_MS,
  signal?: AbortSignal,
): Promise<PackedLedger> {
  const entries: Entry[] = [];
  let end = 0;
  await sliced(
    ledger.all(),
    sliceMs,
    (entry) => {
      entries.push(entry);
      end += entry.bytes.length;
    },
    signal,
  );
  const offsets = new Uint32Array(entries.length + 1);
  offsets[entries.length] = end;
  const bytes = new Uint8Array(end);
  // Ids joined a thousand at a time: all 100k at once took 33 ms in one piece.
  const ids: string[] = [];
  let some: string[] = [];
  let at = 0;
  await sliced(
    entries,
    sliceMs,
    (entry, i) => {
      offsets[i] = at;
      bytes.set(entry.bytes, at);
      at += entry.bytes.length;
      some.push(entry.id, '\n');
      if (some.length === 2000) {
        ids.push(some.join(''));
        some = [];
      }
    },
    signal,
  );
  ids.push(some.join(''));
  return { bytes: bytes.buffer, offsets, ids: ids.join('') };
}

/** Throws unless `answer` has a point for each stop asked, and the systems if asked. */
function fitting(answer: unknown, job: HistoryJob): HistoryScoredAnswer {
  if (!isHistoryScoredAnswer(answer)) throw new TypeError('score-history: malformed answer');
  const { points, systems } = answer;
  if (points.length !== job.stops.length || points.some((p, i) => p.entries !== job.stops[i]))
    throw new TypeError('score-history: the points are not at the stops asked for');
  if (job.explain === true && systems === undefined)
    throw new TypeError('score-history: the systems were not explained');
  if (job.scores === true && answer.scored === undefined)
    throw new TypeError('score-history: the scores were not sent');
  return answer;
}

/** Runs `job` over `ledger` in a pool worker; rejects with WorkerUnavailableError when none can. */
export async function scoreHistoryInWorker(
  pool: WorkerPool,
  ledger: Ledger,
  job: HistoryJob,
  options: HistoryJobOptions = {},
): Promise<HistoryScoredAnswer> {
  const packed = await packLedger(ledger, SLICE_MS, options.signal);
  options.signal?.throwIfAborted();
  const build = (id: number): ScoreHistoryRequest => ({
    kind: 'score-history',
    id,
    ...packed,
    ...job,
  });
  return pool.run(build, {
    transfer: [packed.bytes, packed.offsets.buffer as ArrayBuffer],
    read: (answer) => fitting(answer, job),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
