/**
 * The Reputation screen's service: the systems with their scores for a ledger revision (shared
 * while the ledger stands still, and with the lineage graph, which reads the same scores and
 * explanations) and, when a system is chosen, its score over the history, with
 * progress. Both run in a pool worker (worker-history.ts) when one can start: at 100k entries
 * core's `reputationInputs` alone held the page for 1.1 s, once for the list and at each of
 * the history's 12 stops. Without a worker they run here, as before. A history asked for
 * another system (or revision) cancels the one still running: its answer would only be thrown
 * away, and it would hold a worker (or this thread) meanwhile. So does leaving the screen: once
 * every caller that asked for it with a signal has aborted it, and none asked without one.
 */
import type { Ledger } from '../core/ledger/ledger.ts';
import type { Penalty, ScoreExplanation } from '../core/reputation/types.ts';
import type { HistoryPoint } from './reputation-history.ts';
import type { Explain, SystemRow } from './reputation-rows.ts';
import type { ComputeTrustScores } from './trust-scores.ts';
import type * as WorkerHistory from './worker-history.ts';
import type { HistoryJobOptions } from './worker-history.ts';
import { WorkerUnavailableError, type WorkerPool } from './worker-pool.ts';
import { sharedJob, waitOn, type SharedJob } from './shared-job.ts';

export type { HistoryPoint } from './reputation-history.ts';
export type { PostureRow, SystemRow } from './reputation-rows.ts';

/** Points on the history's chart. */
export const HISTORY_POINTS = 12;
/**
 * Ledgers of this many entries or more have their list computed in a worker. Below, the main
 * thread's `reputationInputs` stays under a long task (about 11 µs an entry: 1,123 ms at 100k)
 * and a worker's start (60 ms for a page's first) and the ledger's copy would cost more.
 */
export const WORKER_ENTRIES = 4_000;

export type HistoryProgress = (done: number, total: number) => void;

/** Every system's score at a revision, why it has it, and the evidence of malice. */
export interface ExplainedScores {
  scores: ReadonlyMap<string, number>;
  explain: Explain;
  /** Every penalty of the input (each system's are in its explanation too). */
  penalties: Penalty[];
  /** Systems the engine scored. */
  systems: number;
}

export interface ReputationService {
  systems(ledger: Ledger, revision: number): Promise<SystemRow[]>;
  /** The scores and explanations the list is built from (the lineage graph reads them too). */
  explained(ledger: Ledger, revision: number): Promise<ExplainedScores>;
  /**
   * `did`'s score at HISTORY_POINTS points of the ledger; `onProgress` hears of each point.
   * Asking for another system or revision cancels this one: it rejects with an AbortError.
   * `leave`: this caller no longer waits (its screen closed); when no caller waits, the
   * history is cancelled the same way.
   */
  history(
    ledger: Ledger,
    revision: number,
    did: string,
    onProgress?: HistoryProgress,
    leave?: AbortSignal,
  ): Promise<HistoryPoint[]>;
}

interface Running extends SharedJob {
  key: string;
  points: Promise<HistoryPoint[]>;
  listeners: Set<HistoryProgress>;
}

/** Runs `work` in the pool, or returns undefined when no worker can (then the caller computes here). */
async function inWorker<T>(
  pool: WorkerPool,
  work: (jobs: typeof WorkerHistory) => Promise<T>,
): Promise<T | undefined> {
  if (!pool.usable) return undefined;
  try {
    return await work(await import('./worker-history.ts'));
  } catch (cause) {
    if (!(cause instanceof WorkerUnavailableError)) throw cause;
    console.warn(`patchtrail: ${cause.message}; computing reputation on the main thread`);
    return undefined;
  }
}

export interface ReputationOptions {
  /** Entries from which the list is computed in a worker; default WORKER_ENTRIES. */
  workerEntries?: number;
}

export function makeReputation(
  computeTrustScores: ComputeTrustScores,
  pool: WorkerPool,
  options: ReputationOptions = {},
): ReputationService {
  const workerEntries = options.workerEntries ?? WORKER_ENTRIES;
  let cached:
    | {
        ledger: Ledger;
        revision: number;
        explained: Promise<ExplainedScores>;
        rows?: Promise<SystemRow[]>;
      }
    | undefined;
  const histories = new Map<string, Promise<HistoryPoint[]>>();
  let running: Running | undefined;

  async function compute(ledger: Ledger): Promise<ExplainedScores> {
    const job = { stops: [ledger.size], explain: true };
    const answer =
      ledger.size >= workerEntries
        ? await inWorker(pool, (jobs) => jobs.scoreHistoryInWorker(pool, ledger, job))
        : undefined;
    if (answer !== undefined) {
      const systems = answer.systems ?? [];
      const why = new Map(systems.map((e): [string, ScoreExplanation] => [e.did, e]));
      return {
        scores: new Map(systems.map((e): [string, number] => [e.did, e.ppb])),
        explain: (did) => why.get(did),
        penalties: systems.flatMap((e) => e.penalties),
        systems: systems.length,
      };
    }
    const rep = await import('../core/reputation/index.ts');
    const params = rep.defaultReputationParams(rep.reputationClock(ledger));
    const input = rep.reputationInputs(ledger, params);
    const { result } = await computeTrustScores(input, params);
    return {
      scores: result.scores,
      explain: (did) => rep.explainScore(input, result, did),
      penalties: input.penalties,
      systems: input.nodes.length,
    };
  }

  function explainedAt(ledger: Ledger, revision: number) {
    if (cached?.ledger !== ledger || cached.revision !== revision) {
      cached = { ledger, revision, explained: compute(ledger) };
      histories.clear();
    }
    return cached;
  }

  async function historyOf(
    ledger: Ledger,
    did: string,
    options: HistoryJobOptions,
  ): Promise<HistoryPoint[]> {
    const { historyPoints } = await import('./reputation-rows.ts');
    const stops = historyPoints(ledger.size, HISTORY_POINTS);
    const answer = await inWorker(pool, (jobs) =>
      jobs.scoreHistoryInWorker(pool, ledger, { stops, did }, options),
    );
    if (answer !== undefined) return answer.points;
    const { scoreHistory } = await import('./reputation-history.ts');
    return scoreHistory(ledger, did, stops, computeTrustScores, options);
  }

  function start(ledger: Ledger, key: string, did: string): Running {
    const job = sharedJob();
    const listeners = new Set<HistoryProgress>();
    const onProgress: HistoryProgress = (done, total) => {
      for (const listener of listeners) listener(done, total);
    };
    const points = historyOf(ledger, did, { signal: job.stop.signal, onProgress });
    const run: Running = { ...job, key, points, listeners };
    points
      .then(
        () => histories.set(key, points),
        () => undefined, // the caller hears of it
      )
      .finally(() => {
        if (running === run) running = undefined;
      });
    return run;
  }

  return {
    systems(ledger, revision) {
      const at = explainedAt(ledger, revision);
      at.rows ??= Promise.all([import('./reputation-rows.ts'), at.explained]).then(
        ([{ systemRows }, e]) => systemRows(ledger, e.scores, e.explain),
      );
      return at.rows;
    },
    explained: (ledger, revision) => explainedAt(ledger, revision).explained,
    history(ledger, revision, did, onProgress, leave) {
      const key = `${revision} ${did}`;
      const done = histories.get(key);
      if (done !== undefined) return done;
      if (running?.key !== key || running.stop.signal.aborted) {
        running?.stop.abort();
        running = start(ledger, key, did);
      }
      const run = running;
      if (onProgress !== undefined) run.listeners.add(onProgress);
      waitOn(run, leave, () => onProgress !== undefined && run.listeners.delete(onProgress));
      return run.points;
    },
  };
}
