/**
 * The attack simulation in the setting of the independent CLI run (issue 10, §4): 14 systems,
 * 2 admins, 5 malicious, one source chosen at random per query, scores recomputed before every
 * decision, victims rolling back and admins flagging during the next cycle, admins trying
 * sources whatever their score. A smaller run than `npm run sim` prints; the targets are the
 * three causes the independent run traced: credit before the outcome is known, vouching for
 * a bad patch at no cost, honest newcomers denied for good.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestBody } from '../../src/core/ledger/kinds.ts';
import { INDEPENDENT, INDEPENDENT_NO_FLAGS, type Scenario, type Settings } from './scenarios.ts';
import type { RunResult } from './simulate.ts';
import { RANDOM_ONLY, runGrid, share, summed, type Row } from './table.ts';

const FIVE = 5 / 14;
const GRID: Scenario[] = [
  { model: 'A', share: FIVE },
  { model: 'B', share: FIVE },
  { model: 'C', share: FIVE, f: 0.5 },
  { model: 'D', share: FIVE, spies: 0.6 },
];
const SEEDS = [14, 15];
const short = (settings: Settings): Settings => ({ ...settings, cycles: 12 });

let flags: Row[] = [];
let quiet: Row[] = [];
const runs = (rows: Row[], model: Scenario['model'], column: number) =>
  rows.find((r) => r.scenario.model === model)?.cells[column] ?? [];
/** Compromised patches applied by devices that are not admins (admins try any source). */
const byDevices = (list: readonly RunResult[]) => {
  const counts = summed(list);
  return counts.compromised - counts.byAdmins;
};

beforeAll(async () => {
  flags = await runGrid(GRID, short(INDEPENDENT), RANDOM_ONLY, SEEDS);
  quiet = await runGrid(GRID.slice(0, 2), short(INDEPENDENT_NO_FLAGS), RANDOM_ONLY, SEEDS);
}, 300_000);

describe('the independent setting (random sources, live scores, found out next cycle)', () => {
  it('an admin applying a bad patch lifts nobody: no other device takes an A or B system’s patch', () => {
    for (const model of ['A', 'B'] as const) {
      expect(summed(runs(flags, model, 0)).compromised).toBeGreaterThan(0);
      expect(byDevices(runs(flags, model, 1))).toBe(0);
      // with rollbacks only, where the independent run found 35.7% (A) and 50.0% (B)
      expect(byDevices(runs(quiet, model, 1))).toBe(0);
    }
  });

  it('reputation in the policy beats the policy without it in every model', () => {
    for (const row of flags) {
      const [without, withReputation] = row.cells.map(summed);
      expect(share(withReputation as ReturnType<typeof summed>)).toBeLessThan(
        share(without as ReturnType<typeof summed>),
      );
    }
  });

  it('a camouflaged system that applied a flagged variant and kept it pays for it', () => {
    let checked = 0;
    for (const run of runs(flags, 'C', 1)) {
      const { world, final } = run;
      const kept = new Set(
        final.input.penalties.filter((p) => p.kind === 'kept').map((p) => `${p.did} ${p.patch}`),
      );
      for (const actor of world.systems.filter((a) => a.role === 'camouflaged'))
        for (const entry of world.ledger.byAuthor(actor.signer.did)) {
          const body = entry.body as AttestBody;
          if (entry.kind !== 'attest' || body.reason !== 'applied') continue;
          if (!world.flagged.has(body.patch)) continue;
          expect(kept).toContain(`${actor.signer.did} ${body.patch}`);
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('honest newcomers earn their way in: denials of their offers fall as outcomes settle', () => {
    for (const model of ['A', 'B'] as const) {
      const counts = summed(runs(flags, model, 1));
      const late = counts.honestDeniedLate / counts.honestOffersLate;
      const early =
        (counts.honestDenied - counts.honestDeniedLate) /
        (counts.honestOffers - counts.honestOffersLate);
      expect(late).toBeLessThan(early / 2);
    }
  });
});
