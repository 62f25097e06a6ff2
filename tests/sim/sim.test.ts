/**
 * The attack simulation's targets (issue 5), asserted on a smaller seeded run of the real
 * ledger, reputation engine and policy engine (`npm run sim` prints the full table), sources
 * chosen by score. sim-independent.test.ts has the independent run's setting.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SMALL, type Scenario } from './scenarios.ts';
import { compromisedShare, simulate, type RunResult } from './simulate.ts';
import { runGrid, SCORE_AND_RANDOM, type Row as GridRow } from './table.ts';

interface Row {
  scenario: Scenario;
  without: RunResult;
  with: RunResult;
}

const GRID: Scenario[] = [
  { model: 'A', share: 0.3 },
  { model: 'A', share: 0.7 },
  { model: 'B', share: 0.3 },
  { model: 'B', share: 0.7 },
  { model: 'C', share: 0.4, f: 0.2 },
  { model: 'C', share: 0.4, f: 0.5 },
  { model: 'C', share: 0.4, f: 0.8 },
  { model: 'E', share: 0.4 },
  { model: 'F', share: 0.5 },
];

let rows: Row[] = [];
const of = (model: Scenario['model']) => rows.filter((r) => r.scenario.model === model);
const share = (r: RunResult) => compromisedShare(r.metrics);

/**
 * With reputation in the policy, nothing from a system is applied after the cycle in which its
 * first compromised patch was applied (found out and flagged at the end of that cycle), and
 * the next cycle's scores carry the evidence and give it 0.
 */
function expectShutOutAfterFirst(run: RunResult): void {
  const { compromises } = run.metrics;
  for (const c of compromises) {
    const first = Math.min(...compromises.filter((x) => x.source === c.source).map((x) => x.cycle));
    expect(c.cycle).toBe(first);
    expect(run.penalised.get(c.source)).toEqual({ cycle: first + 1, score: 0 });
  }
}

beforeAll(async () => {
  const grid: GridRow[] = await runGrid(GRID, SMALL, SCORE_AND_RANDOM.slice(0, 2));
  rows = grid.map(({ scenario, cells }) => ({
    scenario,
    without: cells[0]?.[0] as RunResult,
    with: cells[1]?.[0] as RunResult,
  }));
}, 300_000);

describe('attack simulation (threat models of Kamvar et al. 2003, mapped to patches)', () => {
  it('admits every action through the validator: nothing quarantined, nothing out of standing', () => {
    for (const { without, with: rep } of rows)
      for (const run of [without, rep]) {
        expect(run.world.ledger.quarantined()).toEqual([]);
        expect(run.world.ledger.outOfStanding()).toEqual([]);
      }
  });

  it('A: without reputation compromise grows with the malicious share; with it, at most 10% up to 70%', () => {
    const [low, high] = of('A');
    expect(share(low?.without as RunResult)).toBeGreaterThan(20);
    expect(share(high?.without as RunResult)).toBeGreaterThan(50);
    for (const row of of('A')) expect(share(row.with)).toBeLessThanOrEqual(10);
  });

  it('B: a malicious collective does no better than individuals (within 2 points of A)', () => {
    for (const row of of('B')) {
      const a = of('A').find((r) => r.scenario.share === row.scenario.share) as Row;
      expect(Math.abs(share(row.with) - share(a.with))).toBeLessThanOrEqual(2);
    }
  });

  it('C: a camouflaged collective peaks at or under 17.6%, below the line without reputation', () => {
    const peak = Math.max(...of('C').map((r) => share(r.with)));
    expect(peak).toBeLessThanOrEqual(17.6);
    for (const row of of('C')) expect(share(row.with)).toBeLessThan(share(row.without));
  });

  it('E: the minimum-reputation rule allows no patch offered by a newcomer identity', () => {
    const [row] = of('E');
    expect(row?.with.metrics.sybilAllowed).toBe(0);
    expect(row?.with.metrics.sybilDenied).toBeGreaterThan(0);
    expect(row?.without.metrics.sybilAllowed).toBeGreaterThan(0);
  });

  it('F: a disseminator scores 0 from the cycle after its first proven compromised patch', () => {
    const [row] = of('F');
    const runs = [row?.without, row?.with] as RunResult[];
    expect(runs.reduce((n, r) => n + r.metrics.flags.length, 0)).toBeGreaterThan(0);
    for (const run of runs)
      for (const flag of run.metrics.flags) {
        const first = Math.min(
          ...run.metrics.flags.filter((f) => f.author === flag.author).map((f) => f.cycle),
        );
        expect(run.penalised.get(flag.author)).toEqual({ cycle: first + 1, score: 0 });
      }
    expectShutOutAfterFirst(row?.with as RunResult);
  });

  it('C: a camouflaged collective earns nothing by offering genuine patches nobody applies through it', () => {
    for (const row of of('C')) {
      expect(share(row.without)).toBeGreaterThan(0);
      expect(row.with.metrics.compromised).toBe(0);
    }
  });

  it('is deterministic: the same seed gives the same ledger and the same scores', async () => {
    const scenario: Scenario = { model: 'C', share: 0.4, f: 0.5 };
    const settings = { ...SMALL, cycles: 3 };
    const [x, y] = [
      await simulate(scenario, settings, true),
      await simulate(scenario, settings, true),
    ];
    expect(await y.world.ledger.digest()).toBe(await x.world.ledger.digest());
    expect(y.final.scoreHash).toBe(x.final.scoreHash);
    expect(y.metrics).toEqual(x.metrics);
  });
});
