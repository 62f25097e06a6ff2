/**
 * The reputation engine on hand-built inputs: fixed points small enough to compute by hand,
 * hard evidence that zeroes a system and cuts its edges, soft penalties and posture that hold
 * trust back, Sybil clusters that stay at zero, the pre-trust cap, the stopping rule, the
 * score hash, and input and parameter validation. Ledger-derived inputs are in
 * reputation-ledger.test.ts.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/encoding/canonical-json.ts';
import {
  computeReputation,
  defaultReputationParams,
  explainScore,
  paramsHash,
  REPUTATION_INPUT_FORMAT,
  type Penalty,
  type PostureReport,
  type ReputationInput,
  type ReputationParams,
} from '../../src/core/reputation/index.ts';

const AS_OF = '2026-06-01T00:00:00Z';

interface NodeSpec {
  did: string;
  admin?: boolean;
  member?: boolean;
  stake?: number;
}

/** An input from node specs (sorted here) and [from, to, weight] edges named by did. */
function graph(
  specs: NodeSpec[],
  edges: [string, string, number][] = [],
  penalties: Penalty[] = [],
  posture: PostureReport[] = [],
): ReputationInput {
  const nodes = specs
    .map((s) => ({
      did: s.did,
      admin: s.admin ?? false,
      member: s.member ?? s.admin ?? false,
      stake: s.stake ?? 0,
    }))
    .sort((a, b) => (a.did < b.did ? -1 : 1));
  const index = new Map(nodes.map((n, i) => [n.did, i]));
  const rows = edges
    .map(([f, t, w]) => [index.get(f) as number, index.get(t) as number, w] as const)
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    format: REPUTATION_INPUT_FORMAT,
    nodes,
    edges: {
      from: Uint32Array.from(rows, (r) => r[0]),
      to: Uint32Array.from(rows, (r) => r[1]),
      weight: Uint32Array.from(rows, (r) => r[2]),
    },
    penalties,
    posture,
  };
}

const params = (overrides: Partial<ReputationParams> = {}): ReputationParams => ({
  ...defaultReputationParams(AS_OF),
  ...overrides,
});

const sum = (scores: Map<string, number>) => [...scores.values()].reduce((a, b) => a + b, 0);

describe('power iteration on small graphs', () => {
  it('reaches the hand-computed fixed point: one root trusting one system, a = 1/2', () => {
    // t_b = (1 − a)·t_a and t_a = 1e9 − t_b (all that does not flow returns to the root):
    // t_b = 1e9 / 3, t_a = 2e9 / 3, exactly in whole ppb with floors.
    const input = graph([{ did: 'a', admin: true }, { did: 'b' }], [['a', 'b', 1]]);
    const result = computeReputation(input, params({ pretrustShare: 512, deltaPpb: 0 }));
    expect(Object.fromEntries(result.scores)).toEqual({ a: 666_666_667, b: 333_333_333 });
    expect(result.converged).toBe(true);
    expect(result.order).toEqual(['a', 'b']);
  });

  it('matches a floating-point EigenTrust reference within a few ppb on a 4-system graph', () => {
    const edges: [string, string, number][] = [
      ['a', 'b', 3],
      ['a', 'c', 1],
      ['b', 'c', 1],
      ['c', 'd', 2],
      ['c', 'b', 2],
      ['d', 'a', 1],
    ];
    const input = graph(
      [{ did: 'a', admin: true }, { did: 'b' }, { did: 'c' }, { did: 'd' }],
      edges,
    );
    const a = 256 / 1024;
    const result = computeReputation(input, params({ pretrustShare: 256, deltaPpb: 0 }));
    // Reference: t = (1 − a)·Cᵀt + a·p with p = e_a, rows of C normalised.
    const out = new Map<string, number>();
    for (const [f, , w] of edges) out.set(f, (out.get(f) ?? 0) + w);
    let t = new Map([
      ['a', 1],
      ['b', 0],
      ['c', 0],
      ['d', 0],
    ]);
    for (let k = 0; k < 500; k++) {
      const next = new Map([
        ['a', a],
        ['b', 0],
        ['c', 0],
        ['d', 0],
      ]);
      for (const [f, to, w] of edges)
        next.set(to, (next.get(to) ?? 0) + (1 - a) * (t.get(f) ?? 0) * (w / (out.get(f) ?? 1)));
      t = next;
    }
    for (const [did, ref] of t)
      expect(Math.abs((result.scores.get(did) ?? 0) - ref * 1e9)).toBeLessThan(50);
    expect(sum(result.scores)).toBeLessThanOrEqual(1e9);
  });

  it('stops at maxIterations, or once the L1 change is at most deltaPpb', () => {
    const input = graph(
      [{ did: 'a', admin: true }, { did: 'b' }],
      [
        ['a', 'b', 1],
        ['b', 'a', 1],
      ],
    );
    const capped = computeReputation(input, params({ maxIterations: 3, deltaPpb: 0 }));
    expect(capped).toMatchObject({ iterations: 3, converged: false });
    const loose = computeReputation(input, params({ deltaPpb: 10_000_000 }));
    expect(loose.converged).toBe(true);
    expect(loose.delta).toBeLessThanOrEqual(10_000_000);
    expect(loose.iterations).toBeLessThan(computeReputation(input, params()).iterations);
  });

  it('gives everything to pre-trust when nobody trusts anybody, and nothing when there is no root', () => {
    const lonely = computeReputation(graph([{ did: 'a', admin: true }, { did: 'b' }]), params());
    expect(Object.fromEntries(lonely.scores)).toEqual({ a: 1e9, b: 0 });
    const rootless = computeReputation(
      graph([{ did: 'a' }, { did: 'b' }], [['a', 'b', 5]]),
      params(),
    );
    expect(Object.fromEntries(rootless.scores)).toEqual({ a: 0, b: 0 });
  });
});

describe('Sybils', () => {
  it('a cluster with no endorsement stays at exactly 0 however densely it trusts itself', () => {
    const sybils = Array.from({ length: 60 }, (_, i) => `sybil-${String(i).padStart(2, '0')}`);
    const edges: [string, string, number][] = [['root', 'honest', 1]];
    for (const s of sybils) {
      edges.push([s, 'honest', 1]); // they may trust honest systems: it gives them nothing
      for (const t of sybils) if (s !== t) edges.push([s, t, 1000]);
    }
    const input = graph(
      [{ did: 'root', admin: true }, { did: 'honest' }, ...sybils.map((did) => ({ did }))],
      edges,
    );
    const result = computeReputation(input, params());
    for (const s of sybils) expect(result.scores.get(s)).toBe(0);
    expect(result.scores.get('honest')).toBeGreaterThan(0);
  });
});

describe('malice', () => {
  const team = [{ did: 'a', admin: true }, { did: 'bad' }, { did: 'c' }, { did: 'd' }];
  const edges: [string, string, number][] = [
    ['a', 'bad', 1],
    ['a', 'd', 1],
    ['bad', 'c', 1],
  ];
  const equivocation: Penalty = {
    did: 'bad',
    kind: 'equivocation',
    entries: ['sha256:e1', 'sha256:e2'],
  };

  it('hard evidence zeroes the system and cuts its edges in and out', () => {
    const clean = computeReputation(graph(team, edges), params());
    expect(clean.scores.get('bad')).toBeGreaterThan(0);
    expect(clean.scores.get('c')).toBeGreaterThan(0);
    const before = explainScore(graph(team, edges), clean, 'c');
    expect(before).toMatchObject({ trustedBy: 1, givingTrust: 1 });
    const cut = computeReputation(graph(team, edges, [equivocation]), params());
    expect(cut.scores.get('bad')).toBe(0);
    expect(cut.scores.get('c')).toBe(0); // its only source was cut
    // a's row no longer has the edge to bad: all of a's flow now goes to d.
    expect(cut.scores.get('d')).toBeGreaterThan((clean.scores.get('d') as number) * 1.9);
    const why = explainScore(graph(team, edges, [equivocation]), cut, 'bad');
    expect(why).toMatchObject({
      zeroed: true,
      multiplier: 0,
      trustedBy: 0,
      givingTrust: 0,
      penalties: [equivocation],
    });
  });

  it('a penalty kind with factor 0 is hard too; a soft one holds trust back to pre-trust', () => {
    const compromised: Penalty = {
      did: 'bad',
      kind: 'compromised',
      patch: 'sha256:p',
      entries: ['sha256:f'],
    };
    const hard = computeReputation(graph(team, edges, [compromised]), params());
    expect(hard.scores.get('bad')).toBe(0);
    const soft = params({ penalties: { compromised: 512, kept: 256, contradicted: 512 } });
    const clean = computeReputation(graph(team, edges), soft);
    const halved = computeReputation(graph(team, edges, [compromised]), soft);
    // What bad receives from a is halved; the held-back half returns to the root (a rises),
    // it does not move to bad's sibling d, whose share of a's trust is unchanged.
    const of = (r: typeof clean, did: string) =>
      (r.scores.get(did) as number) / (r.scores.get('a') as number);
    expect(of(halved, 'bad') / of(clean, 'bad')).toBeCloseTo(0.5, 3);
    expect(of(halved, 'd')).toBeCloseTo(of(clean, 'd'), 6);
    expect(halved.scores.get('a')).toBeGreaterThan(clean.scores.get('a') as number);
    const both = [compromised, { ...compromised, patch: 'sha256:q' }];
    const twice = computeReputation(graph(team, edges, both), soft);
    expect(explainScore(graph(team, edges, both), twice, 'bad')?.multiplier).toBe(256);
    expect(of(twice, 'bad') / of(clean, 'bad')).toBeCloseTo(0.25, 3);
  });

  it('posture from a trusted assessor scales the trust a system receives', () => {
    const report: PostureReport = {
      did: 'bad',
      assessor: 'a',
      entry: 'sha256:p',
      passed: 1,
      total: 4,
    };
    const clean = computeReputation(graph(team, edges), params());
    const assessed = computeReputation(graph(team, edges, [], [report]), params());
    const of = (r: typeof clean) => (r.scores.get('bad') as number) / (r.scores.get('a') as number);
    expect(of(assessed) / of(clean)).toBeCloseTo(0.25, 3); // 1 of 4 checks passed
    const failed = graph(team, edges, [], [{ ...report, passed: 0 }]);
    expect(of(computeReputation(failed, params())) / of(clean)).toBeCloseTo(0.25, 3); // the floor
    const why = explainScore(graph(team, edges, [], [report]), assessed, 'bad');
    expect(why?.posture).toEqual({ ...report, multiplier: 256 });
  });
});

describe('pre-trust', () => {
  it('weights roots by stake up to stakeCap', () => {
    const input = graph([
      { did: 'a', admin: true, stake: 1000 },
      { did: 'b', member: true, stake: 50 },
    ]);
    const result = computeReputation(input, params({ maxRootShare: 1024 }));
    // min(100, 10 + 1000) : min(100, 1 + 50) = 100 : 51
    expect(result.scores.get('a')).toBe(
      Math.floor((1e9 * Math.floor((100 * 2 ** 20) / 151)) / 2 ** 20),
    );
    expect(explainScore(input, result, 'b')?.pretrust.weight).toBe(51);
  });

  it('caps any single root at maxRootShare and shares the rest by stake', () => {
    const input = graph([
      { did: 'big', admin: true, stake: 90 },
      { did: 'm1', member: true, stake: 9 },
      { did: 'm2', member: true, stake: 9 },
      { did: 'm3', member: true, stake: 9 },
    ]);
    const result = computeReputation(input, params());
    // cap = 341/1024 of 2^20; the other three share the rest equally
    const cap = 341 * 1024;
    expect(result.scores.get('big')).toBe(Math.floor((1e9 * cap) / 2 ** 20));
    const rest = Math.floor((2 ** 20 - cap) / 3);
    for (const m of ['m1', 'm2', 'm3'])
      expect(result.scores.get(m)).toBe(Math.floor((1e9 * rest) / 2 ** 20));
  });

  it('relaxes the cap to an equal split when there are too few roots to honour it', () => {
    const input = graph([
      { did: 'a', admin: true, stake: 90 },
      { did: 'b', member: true },
    ]);
    const result = computeReputation(input, params());
    expect(result.scores.get('a')).toBe(5e8);
    expect(result.scores.get('b')).toBe(5e8);
  });

  it('revoked or non-member systems get no pre-trust', () => {
    const input = graph([
      { did: 'a', admin: true },
      { did: 'b', admin: true, member: false },
    ]);
    expect(computeReputation(input, params()).scores.get('b')).toBe(0);
  });
});

describe('determinism and hashing', () => {
  const input = graph(
    [{ did: 'a', admin: true }, { did: 'b', member: true, stake: 3 }, { did: 'c' }],
    [
      ['a', 'c', 2],
      ['b', 'c', 1],
      ['c', 'a', 1],
    ],
  );

  it('gives the same scores and hash twice, a different hash for other params', () => {
    const copy = structuredClone(input);
    const one = computeReputation(input, params());
    expect(input).toEqual(copy); // the input is not touched
    const two = computeReputation(structuredClone(input), params());
    expect(two.scoreHash).toBe(one.scoreHash);
    expect([...two.ppb]).toEqual([...one.ppb]);
    expect(one.scoreHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(one.paramsHash).toBe(paramsHash(params()));
    const other = computeReputation(input, params({ maxIterations: 199 }));
    expect(other.paramsHash).not.toBe(one.paramsHash);
    expect(other.scoreHash).not.toBe(one.scoreHash);
  });

  it('hashes the documented serialization: domain, params hash, then "<did> <ppb>" lines', () => {
    const result = computeReputation(input, params());
    const text = [
      'patchtrail reputation scores v1',
      result.paramsHash,
      ...input.nodes.map((n) => `${n.did} ${result.scores.get(n.did) ?? -1}`),
    ].join('\n');
    const digest = createHash('sha256').update(`${text}\n`).digest('hex');
    expect(result.scoreHash).toBe(`sha256:${digest}`);
    expect(result.paramsHash).toBe(
      `sha256:${createHash('sha256').update(canonicalJson(params())).digest('hex')}`,
    );
  });

  it('keeps every score whole, sums to at most 1e9, and gives unreachable systems 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 25 }),
        fc.array(fc.tuple(fc.nat(24), fc.nat(24), fc.integer({ min: 0, max: 1 << 24 })), {
          maxLength: 120,
        }),
        fc.array(fc.nat(24), { maxLength: 4 }),
        (n, raw, bad) => {
          const dids = Array.from({ length: n }, (_, i) => `n${String(i).padStart(2, '0')}`);
          const seen = new Set<string>();
          const edges = raw
            .map(([f, t, w]): [string, string, number] => [
              dids[f % n] as string,
              dids[t % n] as string,
              w,
            ])
            .filter(([f, t]) => f !== t && !seen.has(`${f} ${t}`) && seen.add(`${f} ${t}`));
          const specs = dids.map((did, i) => ({ did, admin: i === 0, member: i < 2, stake: i }));
          const penalties: Penalty[] = bad.map((b) => ({
            did: dids[b % n] as string,
            kind: 'equivocation',
            entries: [],
          }));
          const result = computeReputation(graph(specs, edges, penalties), params());
          expect(sum(result.scores)).toBeLessThanOrEqual(1e9);
          for (const v of result.scores.values()) expect(Number.isInteger(v) && v >= 0).toBe(true);
          for (const p of penalties) expect(result.scores.get(p.did)).toBe(0);
          // reachable from the roots along edges that are not cut
          const cut = new Set(penalties.map((p) => p.did));
          const reach = new Set(dids.slice(0, 2).filter((d) => !cut.has(d)));
          for (let size = -1; size !== reach.size;) {
            size = reach.size;
            for (const [f, t, w] of edges) if (w > 0 && reach.has(f) && !cut.has(t)) reach.add(t);
          }
          for (const did of dids) if (!reach.has(did)) expect(result.scores.get(did)).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('explanations', () => {
  it('splits a score into pre-trust and contributors, largest first', () => {
    const input = graph(
      [{ did: 'a', admin: true }, { did: 'b', member: true }, { did: 'c' }],
      [
        ['a', 'c', 1],
        ['b', 'c', 1],
        ['b', 'a', 1],
      ],
    );
    const result = computeReputation(input, params({ deltaPpb: 0 }));
    const why = explainScore(input, result, 'c');
    expect(why?.pretrust.ppb).toBe(0);
    expect(why?.fromOthers).toBe(result.scores.get('c'));
    expect(why?.contributors.map((c) => c.did)).toEqual(['a', 'b']);
    const total = (why?.contributors ?? []).reduce((s, c) => s + c.ppb, 0);
    expect(Math.abs(total - (why?.fromOthers ?? 0))).toBeLessThanOrEqual(2);
    const root = explainScore(input, result, 'a');
    expect(explainScore(input, result, result.order[0] as string)?.rank).toBe(1);
    expect(root?.pretrust.shareOfPretrustPpb).toBeGreaterThan(0);
    expect((root?.pretrust.ppb ?? 0) + (root?.fromOthers ?? 0)).toBe(result.scores.get('a'));
    expect(explainScore(input, result, 'nobody')).toBeUndefined();
  });
});

describe('validation', () => {
  it('names every bad parameter at once', () => {
    const bad = { ...params(), asOf: 'yesterday', pretrustShare: 2000, maxIterations: 0 };
    expect(() => computeReputation(graph([{ did: 'a', admin: true }]), bad)).toThrow(
      /asOf.*pretrustShare.*maxIterations/,
    );
  });

  it('refuses unsorted nodes, unsorted or self-loop edges and penalties against strangers', () => {
    const good = graph([{ did: 'a', admin: true }, { did: 'b' }], [['a', 'b', 1]]);
    const unsorted = { ...good, nodes: [...good.nodes].reverse() };
    expect(() => computeReputation(unsorted, params())).toThrow(RangeError);
    const loop = {
      ...good,
      edges: { from: Uint32Array.of(0), to: Uint32Array.of(0), weight: Uint32Array.of(1) },
    };
    expect(() => computeReputation(loop, params())).toThrow(/self loop/);
    const stranger = {
      ...good,
      penalties: [{ did: 'z', kind: 'equivocation' as const, entries: [] }],
    };
    expect(() => computeReputation(stranger, params())).toThrow(/does not fit/);
  });
});
