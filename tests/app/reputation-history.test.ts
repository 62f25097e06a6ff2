/**
 * A system's score over the ledger's history on the main thread (reputation-history.ts, the
 * fallback when no pool worker can run it): the points are the scores of the ledger's
 * prefixes, and the page gets its turns through messages, never timers (a timer nested in a
 * loop waits at least 4 ms: a turn every 64 entries held a 100k-entry history for over 6 s of
 * waiting alone).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ledger, makeSeedSigner, type Signer } from '../../src/core/index.ts';
import {
  computeReputation,
  defaultReputationParams,
  reputationClock,
  reputationInputs,
} from '../../src/core/reputation/index.ts';
import { scoreHistory } from '../../src/app/reputation-history.ts';
import { historyPoints } from '../../src/app/reputation-rows.ts';
import type { ComputeTrustScores } from '../../src/app/trust-scores.ts';

const T = '2026-11-22T09:00:00Z';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const onMainThread: ComputeTrustScores = async (input, params) => ({
  result: computeReputation(input, params),
  engine: 'main-thread',
  elapsedMs: 0,
});

async function team(): Promise<{ ledger: Ledger; rita: Signer }> {
  const admin = await signer(1);
  const ledger = await Ledger.found(admin, { name: 'h', admins: [admin.did], threshold: 1 }, T);
  const rita = await signer(2);
  await ledger.append(rita, 'register', { name: 'Rita' }, T);
  await ledger.append(admin, 'endorse', { subject: rita.did, role: 'tester', stake: 10 }, T);
  const patch = `sha256:${'ab'.repeat(32)}`;
  const body = {
    patch,
    diff: `sha256:${'cd'.repeat(32)}`,
    creator: admin.did,
    reason: 'fix',
    components: ['a'],
    created: T,
  };
  await ledger.append(admin, 'publish', body, T);
  for (let i = 0; i < 40; i++) await ledger.append(rita, 'attest', { patch, reason: 'tested' }, T);
  return { ledger, rita };
}

afterEach(() => vi.useRealTimers());

describe('scoreHistory', () => {
  it("gives the system's score at each prefix of the ledger, with timers frozen", async () => {
    const { ledger, rita } = await team();
    vi.useFakeTimers(); // no timer ever fires: the history must not wait on one
    const points = await scoreHistory(
      ledger,
      rita.did,
      historyPoints(ledger.size, 6),
      onMainThread,
    );
    vi.useRealTimers();
    const entries = [...ledger.all()];
    expect(points.map((p) => p.entries)).toEqual(historyPoints(ledger.size, 6));
    expect(points.some((p) => p.ppb > 0)).toBe(true);
    for (const point of points) {
      const prefix = await Ledger.open(ledger.genesis.bytes);
      for (const entry of entries.slice(1, point.entries))
        await prefix.admit(entry.bytes, { verifiedBefore: true });
      const params = defaultReputationParams(reputationClock(prefix));
      const { scores } = computeReputation(reputationInputs(prefix, params), params);
      expect(point.ppb).toBe(scores.get(rita.did) ?? 0);
    }
    expect(points.at(-1)?.entries).toBe(ledger.size);
  });
});
