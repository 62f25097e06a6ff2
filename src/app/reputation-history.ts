/**
 * A system's score over the ledger's history: the ledger rebuilt entry by entry (signatures
 * were checked when the entries first came in, so they are not checked again) and the scores
 * recomputed at a few evenly spaced entry counts. The page gets a turn after every 8 ms of
 * work (yieldingLedger), so it never holds a long task; a turn is a message, not a timer
 * (`setTimeout(0)` waits at least 4 ms once nested: a turn every 64 entries held a history of
 * 100k entries for over 6 s of waiting alone).
 */
import type { Ledger } from '../core/ledger/ledger.ts';
import type { ComputeTrustScores } from './trust-scores.ts';
import { historyPoints } from './reputation-rows.ts';
import { nextTask, yieldingLedger } from '../sync/yielding.ts';

export interface HistoryPoint {
  /** Entries of the ledger taken (admission order). */
  entries: number;
  /** The system's score at that point, parts per billion (0 when it was not yet a system). */
  ppb: number;
}

export async function scoreHistory(
  ledger: Ledger,
  did: string,
  computeTrustScores: ComputeTrustScores,
  points = 12,
): Promise<HistoryPoint[]> {
  const [{ Ledger: LedgerClass }, rep] = await Promise.all([
    import('../core/ledger/ledger.ts'),
    import('../core/reputation/index.ts'),
  ]);
  const entries = [...ledger.all()];
  const stops = historyPoints(entries.length, points);
  const prefix = await LedgerClass.open(ledger.genesis.bytes);
  const admitting = yieldingLedger(prefix);
  const out: HistoryPoint[] = [];
  let taken = 1; // the genesis
  for (const stop of stops) {
    while (taken < stop) {
      const entry = entries[taken++];
      if (entry !== undefined) await admitting.admit(entry.bytes, { verifiedBefore: true });
    }
    const params = rep.defaultReputationParams(rep.reputationClock(prefix));
    const input = rep.reputationInputs(prefix, params);
    const { result } = await computeTrustScores(input, params);
    out.push({ entries: stop, ppb: result.scores.get(did) ?? 0 });
    await nextTask();
  }
  return out;
}
