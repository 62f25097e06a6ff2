/**
 * Reputation from a real verified ledger: which attestations become local trust (and with what
 * weight and decay), what counts as malice and which entries prove it, whose posture reports
 * count, rotation, the clock, the self-reported score being ignored, and the same scores
 * whatever order the entries arrived in.
 */
import { describe, expect, it } from 'vitest';
import type { Signer } from '../../src/core/index.ts';
import { toBase64 } from '../../src/core/encoding/bytes.ts';
import { signEntry, type Entry } from '../../src/core/ledger/entry.ts';
import type { AttestBody } from '../../src/core/ledger/kinds.ts';
import { Ledger, rotationMessage } from '../../src/core/ledger/ledger.ts';
import {
  computeReputation,
  defaultReputationParams,
  explainScore,
  reputationClock,
  reputationInputs,
  type ReputationParams,
} from '../../src/core/reputation/index.ts';
import { attest, day, edgesOf, found, patch, signer, signers } from './reputation-helpers.ts';

/**
 * The weights of local trust with every attestation crediting at once (settleAfter 0): when an
 * attestation starts to credit is tested in reputation-outcomes.test.ts.
 */
const atOnce = (asOf: string): ReputationParams => ({
  ...defaultReputationParams(asOf),
  settleAfter: 0,
});

describe('local trust from attestations', () => {
  async function lineage(score?: number) {
    const [admin, builder, reviewer] = await signers(1, 2, 3);
    const ledger = await found(admin);
    await ledger.append(builder, 'register', { name: 'builder' }, day(0));
    await ledger.append(reviewer, 'register', { name: 'reviewer' }, day(0));
    await ledger.append(
      admin,
      'endorse',
      { subject: builder.did, role: 'builder', stake: 5 },
      day(0),
    );
    const s = score === undefined ? {} : { score };
    const built = await attest(ledger, builder, patch(1), 'built', day(1), s);
    const reviewed = await attest(ledger, reviewer, patch(1), 'reviewed', day(2), {
      parent: built.id,
      ...s,
    });
    await attest(ledger, admin, patch(1), 'applied', day(3), { parent: reviewed.id, ...s });
    const names = new Map([
      [admin.did, 'admin'],
      [builder.did, 'builder'],
      [reviewer.did, 'reviewer'],
    ]);
    return { ledger, names, admin, builder, reviewer };
  }

  it('a parent link is worth parentWeight; a later confirmation is split among those before', async () => {
    const { ledger, names } = await lineage();
    expect(reputationClock(ledger)).toBe(day(3));
    const input = reputationInputs(ledger, atOnce(day(3)));
    // admin (a member) applied after builder and reviewer stood behind the patch: probation,
    // 4 × 1024 / 2 each, but the parent link wins for reviewer (4 × 1024); reviewer named
    // builder's attestation as parent (4 × 1024).
    expect(edgesOf(input, names)).toEqual({
      'admin → builder': 2048,
      'admin → reviewer': 4096,
      'reviewer → builder': 4096,
    });
    expect(input.nodes.map((n) => [names.get(n.did), n.member, n.stake]).sort()).toEqual([
      ['admin', true, 0],
      ['builder', true, 5],
      ['reviewer', false, 0],
    ]);
  });

  it('a rollback or a rejection takes back trust in the source: s = sat − unsat, floored at 0', async () => {
    const { ledger, names, admin, builder, reviewer } = await lineage();
    const applied = [...ledger.ofKind('attest')].find(
      (e) => e.author === admin.did && (e.body as AttestBody).reason === 'applied',
    ) as Entry<'attest'>;
    await attest(ledger, admin, patch(1), 'rolled-back', day(4), { parent: applied.id });
    const rolled = edgesOf(reputationInputs(ledger, atOnce(day(4))), names);
    // admin's satisfaction on patch 1 is void and becomes 4096 of dissatisfaction with the
    // reviewer it came through and with the builder who stood behind it before
    expect(rolled['admin → reviewer']).toBeUndefined();
    expect(rolled['admin → builder']).toBeUndefined();
    // a second patch reviewer delivered well: 4096 of trust, less the 4096 against it
    const built2 = await attest(ledger, builder, patch(2), 'built', day(4));
    const rev2 = await attest(ledger, reviewer, patch(2), 'reviewed', day(4), {
      parent: built2.id,
    });
    await attest(ledger, admin, patch(2), 'applied', day(5), { parent: rev2.id });
    const p3 = await attest(ledger, reviewer, patch(3), 'reviewed', day(5));
    await attest(ledger, admin, patch(3), 'applied', day(5), { parent: p3.id });
    const after = edgesOf(reputationInputs(ledger, atOnce(day(5))), names);
    expect(after['admin → reviewer']).toBe(4096 + 4096 - 4096);
    expect(after['admin → builder']).toBeUndefined(); // 2048 on patch 2, less 4096
    await attest(ledger, admin, patch(3), 'rejected', day(5), { parent: p3.id });
    const rejected = edgesOf(reputationInputs(ledger, atOnce(day(5))), names);
    expect(rejected['admin → reviewer']).toBeUndefined();
    expect(rejected['reviewer → builder']).toBe(2 * 4096);
  });

  it('decays evidence by the age of the confirming attestation, from params.asOf', async () => {
    const { ledger, names } = await lineage();
    const params = atOnce(day(3 + 100)); // 100 days: bucket 3, 512/1024
    const aged = edgesOf(reputationInputs(ledger, params), names);
    // reviewer's attestation (day 2) is 101 days old, also bucket 3
    expect(aged).toEqual({
      'admin → builder': 1024,
      'admin → reviewer': 2048,
      'reviewer → builder': 2048,
    });
    const ancient = edgesOf(reputationInputs(ledger, atOnce(day(3 + 5000))), names);
    expect(ancient['admin → reviewer']).toBe(4 * 64); // past the table: its last multiplier
  });

  it('ignores the self-reported score: the same ledger with other scores gives the same result', async () => {
    const low = await lineage(0);
    const high = await lineage(1_000_000_000);
    const params = defaultReputationParams(day(3));
    const a = computeReputation(reputationInputs(low.ledger, params), params);
    const b = computeReputation(reputationInputs(high.ledger, params), params);
    expect(b.scoreHash).toBe(a.scoreHash);
    expect([...b.ppb]).toEqual([...a.ppb]);
    // Equal inputs, but for the ids of the entries still pending (their bytes hold the score).
    const scoreFree = (ledger: Ledger) => {
      const { pending, ...input } = reputationInputs(ledger, params);
      return { ...input, pending: pending?.map((p) => [p.did, p.from]) };
    };
    expect(scoreFree(high.ledger)).toEqual(scoreFree(low.ledger));
    expect(scoreFree(low.ledger).pending).toHaveLength(2);
  });

  it('does not let a stranger’s future-dated entry move the clock', async () => {
    const { ledger } = await lineage();
    const stranger = await signer(9);
    await ledger.append(stranger, 'register', { name: 'from the future' }, day(900));
    expect(reputationClock(ledger)).toBe(day(3));
  });

  it('drops a revoked system from pre-trust, and its attestations from the revocation on', async () => {
    const { ledger, names, admin, builder } = await lineage();
    const params = defaultReputationParams(day(5));
    const before = computeReputation(reputationInputs(ledger, params), params);
    expect(before.scores.get(builder.did)).toBeGreaterThan(0);
    const from = ledger.head(builder.did)?.seq ?? 0; // its attestation: the entry it signed last
    await ledger.append(admin, 'revoke', { subject: builder.did, from, reason: 'lost' }, day(5));
    const input = reputationInputs(ledger, params);
    expect(input.nodes.find((n) => n.did === builder.did)).toMatchObject({ member: false });
    expect(edgesOf(input, names)).toEqual({ 'admin → reviewer': 4096 });
    expect(computeReputation(input, params).scores.get(builder.did)).toBe(0);
  });

  it('follows a key rotation: the old key’s attestations count for the new key', async () => {
    const { ledger, names, builder } = await lineage();
    const next = await signer(4);
    const proof = toBase64(await next.sign(rotationMessage(ledger.id, builder.did, next.did)));
    await ledger.append(builder, 'rotate', { to: next.did, proof }, day(4));
    await ledger.append(
      next,
      'register',
      { name: 'builder, new key', rotatedFrom: builder.did },
      day(4),
    );
    names.set(next.did, 'builder2');
    const input = reputationInputs(ledger, atOnce(day(4)));
    expect(input.nodes.map((n) => names.get(n.did)).sort()).toEqual([
      'admin',
      'builder2',
      'reviewer',
    ]);
    expect(edgesOf(input, names)).toMatchObject({
      'admin → builder2': 2048,
      'reviewer → builder2': 4096,
    });
    expect(input.nodes.find((n) => n.did === next.did)).toMatchObject({ member: true, stake: 5 });
  });
});

/** A team with every kind of evidence, and 20 Sybils. */
async function scenario() {
  const [admin, reviewer, assessor, builder, outsider, kiosk, cheat, dealer] = await signers(
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
  );
  const ledger = await found(admin);
  const names = new Map<string, string>([[admin.did, 'admin']]);
  const members: [Signer, string, string, number][] = [
    [reviewer, 'reviewer', 'reviewer', 5],
    [assessor, 'assessor', 'assessor', 0],
    [builder, 'builder', 'builder', 10],
  ];
  for (const [who, name] of [
    ...members,
    [outsider, 'outsider'],
    [kiosk, 'kiosk'],
    [cheat, 'cheat'],
    [dealer, 'dealer'],
  ] as [Signer, string][]) {
    await ledger.append(who, 'register', { name }, day(0));
    names.set(who.did, name);
  }
  for (const [who, , role, stake] of members)
    await ledger.append(admin, 'endorse', { subject: who.did, role, stake }, day(0));
  // A good patch, built, reviewed, applied and reviewed again.
  const built = await attest(ledger, builder, patch(1), 'built', day(1));
  const reviewed = await attest(ledger, outsider, patch(1), 'reviewed', day(2), {
    parent: built.id,
  });
  await attest(ledger, kiosk, patch(1), 'applied', day(3), {
    parent: reviewed.id,
    target: 'kiosk',
  });
  await attest(ledger, reviewer, patch(1), 'reviewed', day(4));
  // A compromised patch: the dealer built it, the kiosk applied it (a victim), the admin flags it.
  const dealt = await attest(ledger, dealer, patch(2), 'built', day(5));
  const kept = await attest(ledger, kiosk, patch(2), 'applied', day(6), { parent: dealt.id });
  const flag = await ledger.append(
    admin,
    'flag',
    { patch: patch(2), compromised: true, evidence: 'backdoor' },
    day(7),
  );
  // A contradicted test: the outsider says tested; two members reject it.
  const tested = await attest(ledger, outsider, patch(3), 'tested', day(8));
  const rejections = [
    await attest(ledger, admin, patch(3), 'rejected', day(9)),
    await attest(ledger, reviewer, patch(3), 'rejected', day(9)),
  ];
  // An equivocation: the cheat signs two entries at one sequence number.
  const cheatReview = await attest(ledger, cheat, patch(1), 'reviewed', day(5), {
    parent: built.id,
  });
  const fork = await Promise.all(
    (['tested', 'built'] as const).map((reason) =>
      signEntry(cheat, {
        ledger: ledger.id,
        seq: cheatReview.seq + 1,
        prev: cheatReview.id,
        refs: [],
        time: day(6),
        kind: 'attest',
        body: { patch: patch(1), reason },
      }),
    ),
  );
  for (const e of fork) await ledger.admit(e.bytes);
  // Posture: the assessor reports on the kiosk (1 of 2 checks pass); the kiosk's own report
  // (all pass) does not count.
  const posture = await ledger.append(
    assessor,
    'posture',
    { subject: kiosk.did, checks: { 'disk-encryption': 'pass', firmware: 'outdated' } },
    day(10),
  );
  await ledger.append(
    kiosk,
    'posture',
    { subject: kiosk.did, checks: { a: 'pass', b: 'pass' } },
    day(11),
  );
  // Sybils: they build and review each other's patch, and confirm the good patch late.
  const sybils = await Promise.all(Array.from({ length: 20 }, (_, i) => signer(40 + i)));
  let parent: string | undefined;
  for (const [i, sybil] of sybils.entries()) {
    await ledger.append(sybil, 'register', { name: `sybil ${i}` }, day(12));
    names.set(sybil.did, `sybil ${i}`);
    const own = await attest(ledger, sybil, patch(4), i === 0 ? 'built' : 'reviewed', day(12 + i), {
      ...(parent === undefined ? {} : { parent }),
    });
    parent = own.id;
    await attest(ledger, sybil, patch(1), 'tested', day(40));
  }
  const ids = {
    flag: flag.id,
    dealt: dealt.id,
    kept: kept.id,
    tested: tested.id,
    rejections,
    fork,
    posture: posture.id,
  };
  return {
    ledger,
    names,
    admin,
    reviewer,
    assessor,
    builder,
    outsider,
    kiosk,
    cheat,
    dealer,
    sybils,
    ids,
  };
}

describe('malice, posture and Sybils on a ledger', () => {
  it('scores the team, zeroes the cheat and the dealer, and leaves the Sybils at 0', async () => {
    const s = await scenario();
    const params = defaultReputationParams(reputationClock(s.ledger));
    const input = reputationInputs(s.ledger, params);
    const result = computeReputation(input, params);
    const score = (who: Signer) => result.scores.get(who.did) as number;
    for (const who of [s.admin, s.reviewer, s.assessor, s.builder, s.outsider, s.kiosk])
      expect(score(who)).toBeGreaterThan(0);
    expect(score(s.cheat)).toBe(0);
    expect(score(s.dealer)).toBe(0);
    for (const sybil of s.sybils) expect(score(sybil)).toBe(0);
    expect([...result.scores.values()].reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(1e9);

    const penalties = input.penalties.map((p) => [s.names.get(p.did), p.kind, p.entries]);
    expect(penalties).toEqual(
      expect.arrayContaining([
        ['cheat', 'equivocation', s.ids.fork.map((e) => e.id).sort()],
        ['dealer', 'compromised', [s.ids.flag, s.ids.dealt]],
        ['kiosk', 'kept', [s.ids.flag, s.ids.kept]],
        ['outsider', 'contradicted', [s.ids.tested, ...s.ids.rejections.map((e) => e.id).sort()]],
      ]),
    );
    // The kiosk applied the bad patch and still runs it: a victim, not a dealer, so a soft
    // penalty (it would go with a rollback) on top of its posture.
    expect(penalties).toHaveLength(4);

    const kiosk = explainScore(input, result, s.kiosk.did);
    expect(kiosk?.posture).toMatchObject({
      assessor: s.assessor.did,
      entry: s.ids.posture,
      passed: 1,
      total: 2,
      multiplier: 512,
    });
    expect(kiosk?.multiplier).toBe((512 * 256) / 1024);
    const outsider = explainScore(input, result, s.outsider.did);
    expect(outsider?.multiplier).toBe(512);
    expect(outsider?.contributors.map((c) => s.names.get(c.did))).toContain('kiosk');
    const cheat = explainScore(input, result, s.cheat.did);
    expect(cheat).toMatchObject({ zeroed: true, ppb: 0, trustedBy: 0 });
  });

  it('gives the same input and score hash whatever order the entries arrive in', async () => {
    const s = await scenario();
    const params = defaultReputationParams(reputationClock(s.ledger));
    const expected = computeReputation(reputationInputs(s.ledger, params), params);
    const entries = [...s.ledger.all()].slice(1);
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 3; round++) {
      const shuffled = [...entries];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] as Entry, shuffled[i] as Entry];
      }
      const peer = await Ledger.open(s.ledger.genesis.bytes);
      for (const e of shuffled) await peer.admit(e.bytes, { verifiedBefore: true });
      expect(peer.size).toBe(s.ledger.size);
      expect(reputationClock(peer)).toBe(params.asOf);
      const input = reputationInputs(peer, params);
      expect(input).toEqual(reputationInputs(s.ledger, params));
      expect(computeReputation(input, params).scoreHash).toBe(expected.scoreHash);
    }
  });
});

describe('who is trusted to judge', () => {
  async function small() {
    const [a, b, c, d, e] = await signers(1, 2, 3, 4, 5);
    const ledger = await found(a as Signer);
    for (const [who, name] of [
      [b, 'builder'],
      [c, 'stranger'],
      [d, 'member'],
      [e, 'tester'],
    ] as const)
      await ledger.append(who as Signer, 'register', { name }, day(0));
    await ledger.append(
      a as Signer,
      'endorse',
      { subject: (d as Signer).did, role: 'reviewer', stake: 1 },
      day(0),
    );
    await attest(ledger, b as Signer, patch(1), 'built', day(1));
    return {
      ledger,
      admin: a as Signer,
      builder: b as Signer,
      stranger: c as Signer,
      member: d as Signer,
      tester: e as Signer,
    };
  }
  const kinds = (ledger: Ledger, p: ReputationParams = defaultReputationParams(day(20))) =>
    reputationInputs(ledger, p).penalties.map((x) => x.kind);

  it('counts flags only from team members, and a flagger’s newest verdict', async () => {
    const { ledger, admin, stranger } = await small();
    await ledger.append(
      stranger,
      'flag',
      { patch: patch(1), compromised: true, evidence: 'trust me' },
      day(2),
    );
    expect(kinds(ledger)).toEqual([]);
    await ledger.append(
      admin,
      'flag',
      { patch: patch(1), compromised: true, evidence: 'bad' },
      day(3),
    );
    expect(kinds(ledger)).toEqual(['compromised']);
    await ledger.append(
      admin,
      'flag',
      { patch: patch(1), compromised: false, evidence: 'false alarm' },
      day(4),
    );
    expect(kinds(ledger)).toEqual([]);
  });

  it('needs contradictionQuorum distinct trusted systems to contradict a test', async () => {
    const { ledger, admin, stranger, member, tester } = await small();
    await attest(ledger, tester, patch(1), 'tested', day(2));
    await attest(ledger, admin, patch(1), 'rejected', day(3));
    await attest(ledger, stranger, patch(1), 'rejected', day(3)); // not trusted
    expect(kinds(ledger)).toEqual([]);
    expect(kinds(ledger, { ...defaultReputationParams(day(20)), contradictionQuorum: 1 })).toEqual([
      'contradicted',
    ]);
    await attest(ledger, member, patch(1), 'rolled-back', day(4));
    expect(kinds(ledger)).toEqual(['contradicted']);
  });

  it('counts posture from an endorsed assessor, and self-reports only when params say so', async () => {
    const { ledger, admin, builder, stranger } = await small();
    await ledger.append(
      stranger,
      'posture',
      { subject: builder.did, checks: { x: 'fail' } },
      day(2),
    );
    await ledger.append(
      builder,
      'posture',
      { subject: builder.did, checks: { x: 'pass', y: 'fail' } },
      day(3),
    );
    const base = defaultReputationParams(day(20));
    expect(reputationInputs(ledger, base).posture).toEqual([]);
    const self = { ...base, posture: { ...base.posture, acceptSelfReports: true } };
    expect(reputationInputs(ledger, self).posture).toMatchObject([
      { did: builder.did, passed: 1, total: 2 },
    ]);
    await ledger.append(
      admin,
      'endorse',
      { subject: stranger.did, role: 'assessor', stake: 0 },
      day(4),
    );
    const unknown = (await signer(77)).did; // never registered
    await ledger.append(stranger, 'posture', { subject: unknown, checks: { x: 'pass' } }, day(4));
    expect(reputationInputs(ledger, base).posture).toMatchObject([
      { did: builder.did, assessor: stranger.did, passed: 0 },
    ]);
    expect(() => computeReputation(reputationInputs(ledger, base), base)).not.toThrow();
  });
});
