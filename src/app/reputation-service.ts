/**
 * The Reputation screen's service: the systems with their scores for a ledger revision (shared
 * while the ledger stands still) and, when a system is chosen, its score over the history.
 */
import type { Ledger } from '../core/ledger/ledger.ts';
import { scoreHistory, type HistoryPoint } from './reputation-history.ts';
import type { SystemRow } from './reputation-rows.ts';
import type { ComputeTrustScores } from './trust-scores.ts';

export type { HistoryPoint } from './reputation-history.ts';
export type { PostureRow, SystemRow } from './reputation-rows.ts';

export interface ReputationService {
  systems(ledger: Ledger, revision: number): Promise<SystemRow[]>;
  history(ledger: Ledger, revision: number, did: string): Promise<HistoryPoint[]>;
}

export function makeReputation(computeTrustScores: ComputeTrustScores): ReputationService {
  let cached: { ledger: Ledger; revision: number; rows: Promise<SystemRow[]> } | undefined;
  const histories = new Map<string, Promise<HistoryPoint[]>>();

  async function compute(ledger: Ledger): Promise<SystemRow[]> {
    const [rep, { systemRows }] = await Promise.all([
      import('../core/reputation/index.ts'),
      import('./reputation-rows.ts'),
    ]);
    const params = rep.defaultReputationParams(rep.reputationClock(ledger));
    const input = rep.reputationInputs(ledger, params);
    const { result } = await computeTrustScores(input, params);
    return systemRows(ledger, input, result, rep.explainScore);
  }

  return {
    systems(ledger, revision) {
      if (cached?.ledger !== ledger || cached.revision !== revision) {
        cached = { ledger, revision, rows: compute(ledger) };
        histories.clear();
      }
      return cached.rows;
    },
    history(ledger, revision, did) {
      const key = `${revision} ${did}`;
      let found = histories.get(key);
      if (found === undefined)
        histories.set(key, (found = scoreHistory(ledger, did, computeTrustScores)));
      return found;
    },
  };
}
