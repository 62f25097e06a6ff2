import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyPoints } from '../../src/app/reputation-rows.ts';

describe('historyPoints', () => {
  it('spreads 12 entry counts evenly over the ledger, ending at its last entry', () => {
    expect(historyPoints(120)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  });

  it('is ascending, without repeats, within 1..total and ends at total, for any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 30 }), (n, k) => {
        const points = historyPoints(n, k);
        expect(points.at(-1)).toBe(n);
        expect(points.length).toBe(Math.min(n, k));
        for (let i = 1; i < points.length; i++)
          expect(points[i] as number).toBeGreaterThan(points[i - 1] as number);
        expect(points[0] as number).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
