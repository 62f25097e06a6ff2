import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyPoints, systemRows } from '../../src/app/reputation-rows.ts';
import { Ledger, makeSeedSigner } from '../../src/core/index.ts';

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

describe('systemRows', () => {
  const T1 = '2026-11-22T11:00:00Z';
  const T2 = '2026-11-23T11:00:00Z';
  const seed = (n: number) => makeSeedSigner(new Uint8Array(32).fill(n));

  it("lists each system's posture reports, newest first, with the assessor by name", async () => {
    const [admin, assessor, kiosk] = await Promise.all([seed(1), seed(2), seed(3)]);
    const ledger = await Ledger.found(
      admin,
      { name: 'Crew', admins: [admin.did], threshold: 1 },
      T1,
    );
    await ledger.append(assessor, 'register', { name: 'Scanner' }, T1);
    await ledger.append(kiosk, 'register', { name: 'Kiosk 1' }, T1);
    await ledger.append(
      admin,
      'endorse',
      { subject: assessor.did, role: 'assessor', stake: 1 },
      T1,
    );
    const posture = (checks: Record<string, string>, time: string) =>
      ledger.append(assessor, 'posture', { subject: kiosk.did, checks }, time);
    await posture({ 'disk-encryption': 'fail' }, T1);
    await posture({ 'disk-encryption': 'pass', firewall: 'pass' }, T2);
    const rows = systemRows(ledger, new Map([[kiosk.did, 400_000_000]]), () => undefined);
    const row = rows.find((r) => r.did === kiosk.did);
    expect(row?.scorePpb).toBe(400_000_000);
    expect(row?.postures.map((p) => [p.assessorName, p.time, p.checks])).toEqual([
      [
        'Scanner',
        T2,
        [
          ['disk-encryption', 'pass'],
          ['firewall', 'pass'],
        ],
      ],
      ['Scanner', T1, [['disk-encryption', 'fail']]],
    ]);
    expect(rows.find((r) => r.did === assessor.did)?.postures).toEqual([]);
    expect(rows[0]?.did).toBe(kiosk.did); // the only scored system ranks first
  });
});
