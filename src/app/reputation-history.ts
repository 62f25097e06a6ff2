/**
 * A system's score over the ledger's history on the main thread: the fallback when no pool
 * worker can run it (worker-history.ts). The ledger is rebuilt entry by entry (core's replay:
 * signatures were checked when the entries first came in) and the scores recomputed at a few
 * evenly spaced entry counts. The page gets a turn after every 8 ms of admission
 * (yieldingLedger); a turn is a message, not a timer (`setTimeout(0)` waits at least 4 ms once
 * nested: a turn every 64 entries held a history of 100k entries for over 6 s of waiting
 * alone). Core's `reputationInputs` at each stop still runs in one piece: 0.2–1.1 s a stop at
 * 100k entries, which is why the worker does this when it can.
 */
import type { Ledger } from '../core/ledger/ledger.ts';
import type { HistoryPoint } from '../../worker/history-protocol.ts';
import type { ComputeTrustScores } from './trust-scores.ts';
import { nextTask, yieldingLedger } from '../sync/yielding.ts';
import type { HistoryJobOptions } from './worker-history.ts';

export type { HistoryPoint } from '../../worker/history-protocol.ts';

export async function scoreHistory(
  ledger: Ledger,
  did: string,
  stops: readonly number[],
  computeTrustScores: ComputeTrustScores,
  options: HistoryJobOptions = {},
): Promise<HistoryPoint[]> {
  const [{ Ledger: LedgerClass }, { replayToStops }, rep] = await Promise.all([
    import('../core/ledger/ledger.ts'),
    import('../core/ledger/replay.ts'),
    import('../core/reputation/index.ts'),
  ]);
  const entries = [...ledger.all()];
  const entryAt = (i: number) => {
    options.signal?.throwIfAborted(); // superseded: stop at the next entry
    return (entries[i] as (typeof entries)[number]).bytes;
  };
  const prefix = await LedgerClass.open(entryAt(0));
  const out: HistoryPoint[] = [];
  const admitting = yieldingLedger(prefix);
  const take = (i: number) => admitting.admit(entryAt(i), { verifiedBefore: true });
  for await (const stop of replayToStops(take, stops)) {
    const params = rep.defaultReputationParams(rep.reputationClock(prefix));
    const input = rep.reputationInputs(prefix, params);
    const { result } = await computeTrustScores(input, params);
    out.push({ entries: stop, ppb: result.scores.get(did) ?? 0 });
    options.onProgress?.(out.length, stops.length);
    await nextTask();
  }
  return out;
}
