/**
 * The trust scores a policy decision reads (core's TrustSource) for an open team's ledger,
 * computed in a pool worker (worker-history.ts's score-history job, asked for `scores`) once
 * the ledger holds WORKER_ENTRIES entries or more. On the page's thread core's
 * `reputationInputs` reads every entry: 0.6–1.1 s in one task at 100k entries, and the Inbox
 * judges its bundles again at every revision while a sync streams in, so each revision held
 * the page that long.
 *
 * One job per state of the ledger (its size and registry), shared by every caller that asks
 * while it runs. A caller that passes a signal may leave (the Inbox's judging, superseded by a
 * newer revision); a job every caller has left is cancelled, so a stream of revisions never
 * piles up jobs. A caller without a signal (an apply, a kiosk pass) keeps its job to the end.
 * Below the threshold, or when no worker can run it (none can start, or one misbehaved), the
 * answer is undefined and core computes the scores on this thread, as before.
 */
import type { LedgerTrust, TrustSource } from '../core/agent/decide.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { Registry } from '../core/ledger/registry.ts';
import { WORKER_ENTRIES } from './reputation-service.ts';
import { sharedJob, waitOn, type SharedJob } from './shared-job.ts';
import type { WorkerPool } from './worker-pool.ts';

/**
 * Measured when a worker's job for the scores ends with an answer or without one: its detail
 * says how many entries the state held and whether the worker answered (else core computed
 * them here).
 */
export const TRUST_SCORES_MEASURE = 'patchtrail:trust-scores';

export interface TrustScoresDetail {
  entries: number;
  fromWorker: boolean;
}

/** A TrustSource for one caller; `leave` aborted: that caller no longer waits for it. */
export type LedgerTrustOf = (leave?: AbortSignal) => TrustSource;

interface Job extends SharedJob {
  ledger: Ledger;
  size: number;
  registry: Registry;
  answer: Promise<LedgerTrust | undefined>;
}

const isAbort = (cause: unknown) => cause instanceof DOMException && cause.name === 'AbortError';

/** The scores of `ledger`'s first `size` entries, from a pool worker; undefined when none can. */
async function scoresInWorker(
  pool: WorkerPool,
  ledger: Ledger,
  size: number,
  signal: AbortSignal,
): Promise<LedgerTrust | undefined> {
  const started = performance.now();
  const measure = (fromWorker: boolean) => {
    const detail: TrustScoresDetail = { entries: size, fromWorker };
    performance.measure(TRUST_SCORES_MEASURE, { start: started, detail });
  };
  try {
    const { scoreHistoryInWorker } = await import('./worker-history.ts');
    const job = { stops: [size], scores: true };
    const { scored } = await scoreHistoryInWorker(pool, ledger, job, { signal });
    if (scored === undefined) throw new TypeError('score-history: no scores'); // checked already
    const scores = new Map(
      scored.dids.map((did, i): [string, number] => [did, scored.ppb[i] ?? 0]),
    );
    measure(true);
    return { scores, scoreHash: scored.scoreHash, digest: scored.digest };
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    const why = cause instanceof Error ? cause.message : String(cause);
    console.warn(`patchtrail: ${why}; computing trust scores on the main thread`);
    measure(false);
    return undefined;
  }
}

export function makeLedgerTrust(
  pool: WorkerPool | undefined,
  workerEntries = WORKER_ENTRIES,
): LedgerTrustOf {
  let job: Job | undefined;

  function start(ledger: Ledger): Job {
    const shared = sharedJob();
    const size = ledger.size;
    const answer = scoresInWorker(pool as WorkerPool, ledger, size, shared.stop.signal);
    const started: Job = { ...shared, ledger, size, registry: ledger.registry(), answer };
    answer.then(
      () => undefined,
      () => undefined, // the callers hear of it
    );
    return started;
  }

  return (leave) => async (ledger) => {
    if (pool === undefined || !pool.usable || ledger.size < workerEntries) return undefined;
    const current =
      job !== undefined &&
      job.ledger === ledger &&
      job.size === ledger.size &&
      job.registry === ledger.registry() &&
      !job.stop.signal.aborted;
    // An older state's job goes on for whoever still waits on it, until they have all left.
    if (!current) job = start(ledger);
    const run = job as Job;
    waitOn(run, leave);
    return run.answer;
  };
}
