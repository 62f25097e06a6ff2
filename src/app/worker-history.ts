/**
 * A ledger's reputation over its history in a pool worker (worker/history-job.ts): the
 * Reputation screen's chart of one system's score, and its list of every system's score with
 * the reasons. The ledger crosses as its entries' bytes end to end in one transferred buffer
 * (history-protocol.ts), copied here in slices with a turn for the page every SLICE_MS, so even
 * 80 MB never holds it in one long task; everything else (rebuilding, `reputationInputs`, the
 * scores) runs in the worker. An answer that does not fit the request is a misbehaving worker:
 * the pool replaces it and the caller computes on the main thread, as when no worker can start.
 */
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

/** What to compute: the stops (entry counts), whose score, and whether to explain them all. */
export type HistoryJob = Pick<ScoreHistoryRequest, 'stops' | 'did' | 'explain'>;

export interface HistoryJobOptions {
  /** Stops done, of all the stops. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The ledger's entries as they cross: bytes end to end and ids, genesis first, admission order. */
export async function packLedger(ledger: Ledger, sliceMs = SLICE_MS): Promise<PackedLedger> {
  const entries = [...ledger.all()];
  const offsets = new Uint32Array(entries.length + 1);
  let end = 0;
  entries.forEach((entry, i) => {
    offsets[i] = end;
    end += entry.bytes.length;
  });
  offsets[entries.length] = end;
  const bytes = new Uint8Array(end);
  const ids: string[] = [];
  let since = performance.now();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as (typeof entries)[number];
    bytes.set(entry.bytes, offsets[i]);
    ids.push(entry.id, '\n');
    if (performance.now() - since >= sliceMs) {
      await nextTask();
      since = performance.now();
    }
  }
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
  return answer;
}

/** Runs `job` over `ledger` in a pool worker; rejects with WorkerUnavailableError when none can. */
export async function scoreHistoryInWorker(
  pool: WorkerPool,
  ledger: Ledger,
  job: HistoryJob,
  options: HistoryJobOptions = {},
): Promise<HistoryScoredAnswer> {
  const packed = await packLedger(ledger);
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
