/**
 * Properties of local trust (evidence.ts) over random attestation histories: a complaint costs
 * only the complainer (its own row, and the trust given to it), an attestation that has not
 * settled credits nobody, and a flag never raises anyone's local trust.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTEST_REASONS, type AttestReason } from '../../src/core/ledger/kinds.ts';
import type { Attestation } from '../../src/core/reputation/attestations.ts';
import { localTrust } from '../../src/core/reputation/evidence.ts';
import { defaultReputationParams } from '../../src/core/reputation/index.ts';

const SYSTEMS = ['s0', 's1', 's2', 's3', 's4', 's5'];
const MEMBERS = new Set(['s0', 's1']);
const NEGATIVE: AttestReason[] = ['rejected', 'rolled-back'];
const POSITIVE = ATTEST_REASONS.filter((r) => !NEGATIVE.includes(r));
const params = defaultReputationParams('2026-06-01T00:00:00Z');
const T0 = Date.parse('2026-05-01T00:00:00Z') / 1000;

interface Spec {
  system: number;
  negative: boolean;
  reason: number;
  parent: number;
  at: number;
  settled: boolean;
}

const spec = fc.record({
  system: fc.nat(SYSTEMS.length - 1),
  negative: fc.boolean(),
  reason: fc.nat(5),
  parent: fc.integer({ min: -1, max: 20 }),
  at: fc.nat(5),
  settled: fc.boolean(),
});

/** One patch's attestations from specs: times never go back, parents point at earlier ones. */
function history(patch: number, specs: Spec[]): Attestation[] {
  const list: Attestation[] = [];
  let seconds = T0;
  for (const [k, s] of specs.entries()) {
    seconds += s.at * 3600;
    const reasons = s.negative ? NEGATIVE : POSITIVE;
    const system = SYSTEMS[s.system] as string;
    const a: Attestation = {
      id: `sha256:${patch}-${String(k).padStart(3, '0')}`,
      system,
      reason: reasons[s.reason % reasons.length] as AttestReason,
      positive: !s.negative,
      seconds,
      settled: s.settled,
      member: MEMBERS.has(system),
    };
    if (s.parent >= 0 && s.parent < k) a.parent = (list[s.parent] as Attestation).id;
    list.push(a);
  }
  return list;
}

const ledgerHistory = fc.array(fc.array(spec, { minLength: 1, maxLength: 12 }), {
  minLength: 1,
  maxLength: 5,
});

function byPatchOf(patches: Spec[][]): Map<string, Attestation[]> {
  return new Map(patches.map((specs, p) => [`sha256:p${p}`, history(p, specs)]));
}

const weight = (edges: Map<string, number>, key: string) => edges.get(key) ?? 0;

describe('local trust over random histories (property)', () => {
  it('a complaint lowers only the complainer’s own row and the trust given to it', () => {
    fc.assert(
      fc.property(
        ledgerHistory,
        fc.nat(SYSTEMS.length - 1),
        fc.array(fc.tuple(fc.nat(4), fc.nat(1), fc.nat(20)), { minLength: 1, maxLength: 4 }),
        (patches, who, complaints) => {
          const before = byPatchOf(patches);
          const after = byPatchOf(patches);
          const j = SYSTEMS[who] as string;
          for (const [p, reason, parent] of complaints) {
            const list = after.get(`sha256:p${p % patches.length}`) as Attestation[];
            const last = list[list.length - 1] as Attestation;
            const a: Attestation = {
              id: `sha256:z${list.length}`,
              system: j,
              reason: NEGATIVE[reason] as AttestReason,
              positive: false,
              seconds: last.seconds + 60,
              settled: true,
              member: MEMBERS.has(j),
            };
            if (parent < list.length) a.parent = (list[parent] as Attestation).id;
            list.push(a);
          }
          const none = new Map<string, string[]>();
          const x = localTrust(before, none, params);
          const y = localTrust(after, none, params);
          for (const i of SYSTEMS)
            for (const k of SYSTEMS)
              if (i !== j && k !== j)
                expect(weight(y, `${i}\n${k}`)).toBeGreaterThanOrEqual(weight(x, `${i}\n${k}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an attestation that has not settled credits nobody', () => {
    fc.assert(
      fc.property(ledgerHistory, fc.nat(SYSTEMS.length - 1), (patches, who) => {
        const j = SYSTEMS[who] as string;
        const byPatch = byPatchOf(patches);
        for (const list of byPatch.values())
          for (const a of list)
            if (a.system === j)
              Object.assign(a, { positive: true, reason: 'applied', settled: false });
        const edges = localTrust(byPatch, new Map(), params);
        for (const key of edges.keys()) expect(key.startsWith(`${j}\n`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a flag never raises anyone’s local trust', () => {
    fc.assert(
      fc.property(ledgerHistory, fc.nat(4), (patches, flagged) => {
        const byPatch = byPatchOf(patches);
        const clean = localTrust(byPatch, new Map(), params);
        const bad = new Map([[`sha256:p${flagged % patches.length}`, ['sha256:flag']]]);
        const after = localTrust(byPatch, bad, params);
        for (const [key, w] of after) expect(w).toBeLessThanOrEqual(weight(clean, key));
      }),
      { numRuns: 300 },
    );
  });
});
