/**
 * Policy evaluation over plain-data contexts: every rule kind passes and fails with its
 * observed and expected values and evidence; default deny; warn mode; what is missing; and the
 * hashes that reproduce a decision.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/encoding/canonical-json.ts';
import type { Hop } from '../../src/core/ledger/queries.ts';
import type { Identity } from '../../src/core/ledger/registry.ts';
import {
  compilePolicy,
  decisionHash,
  decisionRecord,
  evaluatePolicy,
  sealDecision,
  POLICY_FORMAT,
  type PolicyContext,
  type PolicyDecision,
  type PolicyRule,
  type RuleOutcome,
} from '../../src/core/policy/index.ts';

const did = (c: string) => `did:key:z6Mk${c.repeat(44)}`;
const ADMIN = did('a');
const ALICE = did('b');
const BOB = did('c');
const CAROL = did('d');
const BUILDER = did('e');
const MALLORY = did('f');
const ALICE_NEW = did('g');
const id = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const tree = (c: string) => `sha256:${c.repeat(64)}`;
const PATCH = tree('e');
const PUBLISH = id(100);
const BUILT = id(1);
const REVIEW_A = id(2);
const REVIEW_B = id(3);
const TESTED = id(4);

function identity(who: string, name: string, roles: Record<string, number> = {}): Identity {
  const held = Object.entries(roles).map(([role, stake]) => [role, { stake, by: [ADMIN] }]);
  return {
    did: who,
    name,
    registered: id(500),
    admin: false,
    roles: Object.fromEntries(held) as Identity['roles'],
    malicious: false,
  };
}

function hop(entry: string, author: string, reason: Hop['reason'], parent?: string): Hop {
  const h: Hop = {
    id: entry,
    author,
    name: '',
    reason,
    time: '2026-11-22T09:00:00Z',
    children: [],
  };
  if (parent !== undefined) h.parent = parent;
  return h;
}

/** builder builds; alice and bob (security) review; carol (qa) tests what alice reviewed. */
function context(change: (c: PolicyContext) => void = () => {}): PolicyContext {
  const identities = new Map<string, Identity>([
    [ADMIN, identity(ADMIN, 'admin')],
    [ALICE, identity(ALICE, 'alice', { security: 2 })],
    [BOB, identity(BOB, 'bob', { security: 1 })],
    [CAROL, identity(CAROL, 'carol', { qa: 1 })],
    [BUILDER, identity(BUILDER, 'builder', { developer: 1 })],
    [MALLORY, identity(MALLORY, 'mallory', { security: 1 })],
  ]);
  const c: PolicyContext = {
    patch: PATCH,
    metadata: { creator: BUILDER, reason: 'fix: CVE-2026-1234', components: ['core/net'] },
    provenance: {
      patch: PATCH,
      published: {
        id: PUBLISH,
        author: BUILDER,
        creator: BUILDER,
        reason: 'fix: CVE-2026-1234',
        time: '2026-11-22T08:00:00Z',
      },
      hops: [
        hop(BUILT, BUILDER, 'built'),
        hop(REVIEW_A, ALICE, 'reviewed', BUILT),
        hop(REVIEW_B, BOB, 'reviewed', BUILT),
        hop(TESTED, CAROL, 'tested', REVIEW_A),
      ],
      roots: [BUILT],
      flags: [],
      missingParents: [],
    },
    identities,
    scores: new Map([
      [BUILDER, 800_000_000],
      [ALICE, 900_000_000],
      [BOB, 700_000_000],
      [CAROL, 650_000_000],
    ]),
    scoreHash: tree('5'),
    ledgerDigest: 'ld1:0123456789abcdef0123',
    now: '2026-11-22T10:00:00Z',
    newestLedgerTime: '2026-11-22T09:00:00Z',
    system: { treeHash: tree('a'), components: { firmware: '2.4.1', kernel: '6.1.0-rc2' } },
    actingRole: 'technician',
    fuzz: 0,
  };
  change(c);
  return c;
}

const policy = (...rules: PolicyRule[]) => ({ format: POLICY_FORMAT, version: 1, rules });
const run = (rules: PolicyRule[], change?: (c: PolicyContext) => void) =>
  evaluatePolicy(compilePolicy(policy(...rules)), context(change));
/** The single rule's outcome. */
const one = (rule: PolicyRule, change?: (c: PolicyContext) => void): RuleOutcome =>
  run([rule], change).rules[0] as RuleOutcome;
const enforce = { mode: 'enforce' as const };

describe('combination', () => {
  it('denies by default: a policy with no rules denies, and says so', () => {
    const result = run([]);
    expect(result.decision).toBe('deny');
    expect(result.reasons).toEqual(['default deny: the policy has no rules']);
  });

  it('allows when every enforced rule passes; one failing enforced rule denies', () => {
    const pass: PolicyRule = { id: 'fuzz', kind: 'fuzz', allowed: false, ...enforce };
    const fail: PolicyRule = { id: 'len', kind: 'max-chain-length', max: 1, ...enforce };
    expect(run([pass]).decision).toBe('allow');
    const denied = run([pass, fail]);
    expect(denied.decision).toBe('deny');
    // A policy without a `verdicts` rule is judged with the implicit one (rules-bundle.ts).
    expect(denied.rules.map((r) => [r.id, r.outcome])).toEqual([
      ['fuzz', 'pass'],
      ['len', 'fail'],
      ['implicit:fail-verdicts', 'pass'],
    ]);
    expect(denied.reasons).toEqual(['len: 3 hops in the chain; at most 1 allowed']);
  });

  it('reports a failing warn rule as `warn` without denying', () => {
    const result = run([
      { id: 'fuzz', kind: 'fuzz', allowed: false, ...enforce },
      { id: 'len', kind: 'max-chain-length', max: 1, mode: 'warn' },
    ]);
    expect(result.decision).toBe('allow');
    expect(result.rules[1]).toMatchObject({ outcome: 'warn', mode: 'warn', observed: 3 });
    expect(result.reasons).toEqual([]);
  });

  it('a policy in warn mode enforces nothing: every rule is reported as warn', () => {
    const doc = {
      ...policy({ id: 'len', kind: 'max-chain-length', max: 1, ...enforce }),
      mode: 'warn',
    };
    const result = evaluatePolicy(compilePolicy(doc), context());
    expect(result).toMatchObject({ decision: 'allow', mode: 'warn' });
    expect(result.rules[0]).toMatchObject({ outcome: 'warn', mode: 'warn' });
    expect(evaluatePolicy(compilePolicy({ ...doc, rules: [] }), context()).decision).toBe('deny');
  });

  it('a missing attestation is spelled out in `missing`, warn rules are not', () => {
    const rule = (mode: 'enforce' | 'warn'): PolicyRule => ({
      id: 'sec',
      kind: 'attestations',
      reason: 'reviewed',
      count: 3,
      from: { roles: ['security'] },
      mode,
    });
    expect(run([rule('enforce')]).missing).toEqual([
      'needs 1 more `reviewed` attestation from role security',
    ]);
    expect(run([rule('warn')]).missing).toEqual([]);
  });
});

describe('chain rules', () => {
  it('min-reputation: passes with the lowest system as evidence, fails naming each one below', () => {
    const rule: PolicyRule = { id: 'rep', kind: 'min-reputation', min: 600_000_000, ...enforce };
    expect(one(rule)).toMatchObject({
      outcome: 'pass',
      observed: 650_000_000,
      expected: { min: 600_000_000 },
      signers: [CAROL],
      evidence: [TESTED],
    });
    const failed = one({ ...rule, min: 750_000_000 });
    expect(failed).toMatchObject({ outcome: 'fail', observed: 650_000_000 });
    expect(failed.signers).toEqual([BOB, CAROL]);
    expect(failed.evidence).toEqual([REVIEW_B, TESTED]);
    expect(failed.message).toBe('2 of 4 systems below 0.750: bob (0.700), carol (0.650)');
  });

  it('min-reputation: an unscored system fails (observed null)', () => {
    const failed = one({ id: 'rep', kind: 'min-reputation', min: 0, ...enforce }, (c) => {
      c.scores = new Map([...c.scores].filter(([d]) => d !== BOB));
    });
    expect(failed).toMatchObject({ outcome: 'fail', observed: null, signers: [BOB] });
    expect(failed.message).toContain('bob (no score)');
  });

  it('via: only the path the patch came through is the chain', () => {
    const rule: PolicyRule = { id: 'rep', kind: 'min-reputation', min: 690_000_000, ...enforce };
    expect(one(rule).outcome).toBe('fail'); // carol, on every-hop view
    const viaBob = one(rule, (c) => {
      c.via = REVIEW_B;
      c.scores = new Map([...c.scores, [CAROL, 1]]);
    });
    expect(viaBob).toMatchObject({ outcome: 'pass', observed: 700_000_000, signers: [BOB] });
    const len: PolicyRule = { id: 'len', kind: 'max-chain-length', max: 2, ...enforce };
    expect(one(len, (c) => (c.via = REVIEW_B))).toMatchObject({
      outcome: 'pass',
      observed: 2,
      evidence: [REVIEW_B],
    });
  });

  it('no via: forwards of other copies and other devices’ outcomes are not the chain', () => {
    const rule: PolicyRule = { id: 'rep', kind: 'min-reputation', min: 690_000_000, ...enforce };
    const newcomers = (c: PolicyContext) => {
      c.scores = new Map([...c.scores, [CAROL, 700_000_000]]);
      c.provenance.hops.push(
        hop(id(70), MALLORY, 'applied', TESTED),
        hop(id(71), MALLORY, 'forwarded', BUILT),
        hop(id(72), MALLORY, 'rolled-back', id(70)),
      );
    };
    expect(one(rule, newcomers)).toMatchObject({ outcome: 'pass', observed: 700_000_000 });
    const viaMallory = one(rule, (c) => {
      newcomers(c);
      c.via = id(71);
    });
    expect(viaMallory).toMatchObject({ outcome: 'fail', signers: [MALLORY] });
    const relayed = one(rule, (c) => {
      newcomers(c);
      c.provenance.hops.push(hop(id(73), ALICE, 'reviewed', id(71)));
    });
    expect(relayed).toMatchObject({ outcome: 'fail', signers: [MALLORY] });
  });

  it('max-chain-length: the longest parent path counts, not the number of hops', () => {
    const rule: PolicyRule = { id: 'len', kind: 'max-chain-length', max: 3, ...enforce };
    expect(one(rule)).toMatchObject({ outcome: 'pass', observed: 3, evidence: [TESTED] });
    expect(one({ ...rule, max: 2 })).toMatchObject({
      outcome: 'fail',
      observed: 3,
      expected: { max: 2 },
    });
  });

  it('attestations: k of n distinct systems, with the entries and signers counted', () => {
    const rule: PolicyRule = {
      id: 'sec',
      kind: 'attestations',
      reason: 'reviewed',
      count: 2,
      from: { roles: ['security'] },
      ...enforce,
    };
    expect(one(rule)).toMatchObject({
      outcome: 'pass',
      observed: 2,
      expected: { count: 2, from: { roles: ['security'] }, reason: 'reviewed' },
      evidence: [REVIEW_A, REVIEW_B],
      signers: [ALICE, BOB],
      message: '2 of 2 `reviewed` attestations from role security (alice, bob)',
    });
  });

  it('attestations: a key counts once, and so does a key with the key it rotated to', () => {
    const rule: PolicyRule = {
      id: 'sec',
      kind: 'attestations',
      reason: 'reviewed',
      count: 2,
      from: { roles: ['security'] },
      ...enforce,
    };
    const twiceByAlice = (c: PolicyContext) => {
      c.provenance.hops = c.provenance.hops.filter((h) => h.author !== BOB);
      c.provenance.hops.push(hop(id(7), ALICE, 'reviewed', BUILT));
    };
    const result = run([rule], twiceByAlice);
    expect(result.rules[0]).toMatchObject({ outcome: 'fail', observed: 1, signers: [ALICE] });
    expect(result.rules[0]?.message).toContain('not counted: 1 repeated by one system');
    expect(result.missing).toEqual(['needs 1 more `reviewed` attestation from role security']);
    const rotated = one(rule, (c) => {
      twiceByAlice(c);
      (c.provenance.hops.at(-1) as Hop).author = ALICE_NEW;
      (c.identities.get(ALICE) as Identity).rotatedTo = ALICE_NEW;
      (c.identities as Map<string, Identity>).set(ALICE_NEW, {
        ...identity(ALICE_NEW, 'alice (new key)', { security: 2 }),
        rotatedFrom: ALICE,
      });
    });
    expect(rotated).toMatchObject({ outcome: 'fail', observed: 1 });
  });

  it('attestations: hops out of standing, outside `from` or by a malicious system do not count', () => {
    const rule: PolicyRule = {
      id: 'sec',
      kind: 'attestations',
      reason: 'reviewed',
      count: 1,
      from: { roles: ['security'], systems: [CAROL] },
      ...enforce,
    };
    const failed = one(rule, (c) => {
      const [, a, b] = c.provenance.hops as [Hop, Hop, Hop];
      a.outOfStanding = 'author revoked from sequence 1';
      b.author = BUILDER; // builder is not in security and not named
      c.provenance.hops.push(hop(id(8), MALLORY, 'reviewed', BUILT));
      (c.identities.get(MALLORY) as Identity).malicious = true;
    });
    expect(failed).toMatchObject({ outcome: 'fail', observed: 0, evidence: [], signers: [] });
    expect(failed.message).toBe(
      '0 of 1 `reviewed` attestation from role security, or the named system; not counted: 1 out of standing, 1 not from role security, or the named system, 1 by a malicious system',
    );
    // A named system counts without the role.
    const named = one(rule, (c) => c.provenance.hops.push(hop(id(9), CAROL, 'reviewed')));
    expect(named).toMatchObject({ outcome: 'pass', observed: 3, signers: [ALICE, BOB, CAROL] });
    const onlyCarol = one(
      { ...rule, from: { systems: [CAROL] } },
      (c) => void c.provenance.hops.push(hop(id(9), CAROL, 'reviewed')),
    );
    expect(onlyCarol).toMatchObject({ outcome: 'pass', signers: [CAROL], evidence: [id(9)] });
  });

  it('attestations: a role with stake 0 is no role', () => {
    const rule: PolicyRule = {
      id: 'sec',
      kind: 'attestations',
      reason: 'reviewed',
      count: 2,
      from: { roles: ['security'] },
      ...enforce,
    };
    const result = one(rule, (c) => {
      (c.identities.get(BOB) as Identity).roles = { security: { stake: 0, by: [ADMIN] } };
    });
    expect(result).toMatchObject({ outcome: 'fail', observed: 1 });
  });

  it('no-malicious: rejects a chain with an equivocating system, with its proof entries', () => {
    const rule: PolicyRule = { id: 'clean', kind: 'no-malicious', ...enforce };
    expect(one(rule)).toMatchObject({ outcome: 'pass', observed: 0, expected: 0 });
    const result = run([rule], (c) => {
      Object.assign(c.identities.get(CAROL) as Identity, {
        malicious: true,
        equivocatedAt: 3,
        equivocationEvidence: [`${id(40)} ${id(41)}`, id(42)],
      });
    });
    expect(result.decision).toBe('deny');
    expect(result.rules[0]).toMatchObject({
      outcome: 'fail',
      observed: 1,
      signers: [CAROL],
      evidence: [id(40), id(41), id(42)],
      message: 'malicious history (equivocation): carol',
    });
  });

  it('not-flagged: a compromise flag denies; `by` limits whose flags count', () => {
    const rule: PolicyRule = { id: 'flag', kind: 'not-flagged', ...enforce };
    const flagged = (c: PolicyContext) => {
      c.provenance.flags = [
        { id: id(60), author: CAROL, compromised: true, evidence: 'bad' },
        { id: id(61), author: ALICE, compromised: false, evidence: 'fine' },
      ];
    };
    expect(one(rule)).toMatchObject({ outcome: 'pass', observed: 0 });
    expect(one(rule, flagged)).toMatchObject({
      outcome: 'fail',
      observed: 1,
      evidence: [id(60)],
      signers: [CAROL],
    });
    expect(one({ ...rule, by: { roles: ['security'] } }, flagged)).toMatchObject({
      outcome: 'pass',
    });
  });
});

describe('patch rules', () => {
  it('authors: by role or by name, with the publish entry as evidence', () => {
    const rule: PolicyRule = {
      id: 'who',
      kind: 'authors',
      allow: { roles: ['developer'] },
      ...enforce,
    };
    expect(one(rule)).toMatchObject({
      outcome: 'pass',
      observed: BUILDER,
      expected: { allow: { roles: ['developer'] } },
      evidence: [PUBLISH],
      signers: [BUILDER],
      message: 'creator builder is in role developer',
    });
    expect(one({ ...rule, allow: { systems: [BUILDER] } }).outcome).toBe('pass');
    expect(one({ ...rule, allow: { roles: ['security'], systems: [ALICE] } })).toMatchObject({
      outcome: 'fail',
      message: 'creator builder is not role security, or the named system',
    });
  });

  it('patch-reason: a list or a pattern', () => {
    const rule: PolicyRule = {
      id: 'why',
      kind: 'patch-reason',
      pattern: '^fix: CVE-\\d{4}-\\d+$',
      ...enforce,
    };
    expect(one(rule)).toMatchObject({
      outcome: 'pass',
      observed: 'fix: CVE-2026-1234',
      expected: { pattern: '^fix: CVE-\\d{4}-\\d+$' },
      evidence: [PUBLISH],
    });
    expect(one(rule, (c) => (c.metadata.reason = 'feature: new UI')).outcome).toBe('fail');
    const listed: PolicyRule = { id: 'why', kind: 'patch-reason', allowed: ['hotfix'], ...enforce };
    expect(one(listed, (c) => (c.metadata.reason = 'hotfix')).outcome).toBe('pass');
    expect(one(listed).outcome).toBe('fail');
  });

  it('components: allow and deny globs; deny wins; an empty list fails an allow list', () => {
    const rule: PolicyRule = {
      id: 'where',
      kind: 'components',
      allow: ['core/**', 'ui/*'],
      deny: ['core/secrets/**'],
      ...enforce,
    };
    expect(one(rule)).toMatchObject({ outcome: 'pass', observed: ['core/net'] });
    const failed = one(rule, (c) => {
      c.metadata.components = ['core/secrets/keys', 'ui/a/b', 'ui/menu', 'docs'];
    });
    expect(failed).toMatchObject({ outcome: 'fail' });
    expect(failed.message).toBe(
      'core/secrets/keys is denied by core/secrets/**; ui/a/b is not in the allow list; docs is not in the allow list',
    );
    expect(one(rule, (c) => (c.metadata.components = [])).outcome).toBe('fail');
    expect(
      one(
        { id: 'd', kind: 'components', deny: ['x'], ...enforce },
        (c) => (c.metadata.components = []),
      ).outcome,
    ).toBe('pass');
  });
});

describe('device rules', () => {
  it('acting-role: the acting user must hold one of the roles', () => {
    const rule: PolicyRule = { id: 'op', kind: 'acting-role', roles: ['technician'], ...enforce };
    expect(one(rule)).toMatchObject({ outcome: 'pass', observed: 'technician' });
    expect(one(rule, (c) => (c.actingRole = 'guest'))).toMatchObject({
      outcome: 'fail',
      observed: 'guest',
    });
    expect(one(rule, (c) => delete c.actingRole)).toMatchObject({
      outcome: 'fail',
      observed: null,
    });
  });

  it('target-tree: the current tree must be one of the expected ones', () => {
    const rule: PolicyRule = {
      id: 'tree',
      kind: 'target-tree',
      treeHashes: [tree('a'), tree('b')],
      ...enforce,
    };
    expect(one(rule)).toMatchObject({ outcome: 'pass', observed: tree('a') });
    expect(one(rule, (c) => (c.system.treeHash = tree('c')))).toMatchObject({
      outcome: 'fail',
      expected: { treeHashes: [tree('a'), tree('b')] },
    });
  });

  it('component-version: SemVer constraints with alternatives; missing or garbage fails', () => {
    const rule = (constraint: string): PolicyRule => ({
      id: 'fw',
      kind: 'component-version',
      component: 'firmware',
      constraint,
      ...enforce,
    });
    expect(one(rule('>=2.1 <3'))).toMatchObject({ outcome: 'pass', observed: '2.4.1' });
    expect(one(rule('>=2.5'))).toMatchObject({
      outcome: 'fail',
      message: 'firmware 2.4.1 does not satisfy >=2.5',
    });
    expect(one(rule('<2 || >=2.4.1 <2.4.2')).outcome).toBe('pass');
    expect(one({ ...rule('>=6.1.0'), component: 'kernel' } as PolicyRule).outcome).toBe('fail');
    expect(one({ ...rule('>=6.1.0-rc1'), component: 'kernel' } as PolicyRule).outcome).toBe('pass');
    expect(one({ ...rule('1'), component: 'bootloader' } as PolicyRule)).toMatchObject({
      outcome: 'fail',
      observed: null,
    });
    const garbage = one(rule('>=1'), (c) => (c.system.components = { firmware: 'latest' }));
    expect(garbage).toMatchObject({ outcome: 'fail', observed: 'latest' });
    expect(one(rule('>=1'), (c) => (c.system.components = {})).outcome).toBe('fail');
    expect(one({ ...rule('>=1'), component: 'constructor' } as PolicyRule).outcome).toBe('fail');
  });

  it('freshness: the ledger may be at most maxAgeSeconds old; unknown or future times fail', () => {
    const rule: PolicyRule = { id: 'fresh', kind: 'freshness', maxAgeSeconds: 3600, ...enforce };
    expect(one(rule)).toMatchObject({ outcome: 'pass', observed: 3600 });
    const stale = run([rule], (c) => (c.now = '2026-11-25T13:00:00Z'));
    expect(stale.rules[0]).toMatchObject({ outcome: 'fail', observed: 273_600 });
    expect(stale.missing).toEqual([
      'needs a ledger synced within 60m (newest ledger entry is 3d 4h old; at most 60m allowed)',
    ]);
    expect(one(rule, (c) => delete c.newestLedgerTime)).toMatchObject({
      outcome: 'fail',
      observed: null,
    });
    const future = one(rule, (c) => (c.newestLedgerTime = '2026-11-23T09:00:00Z'));
    expect(future.outcome).toBe('fail');
    expect(future.message).toContain('in the future');
    expect(() => run([rule], (c) => (c.now = 'yesterday'))).toThrow(RangeError);
  });

  it('fuzz: none unless allowed, and then at most max', () => {
    const off: PolicyRule = { id: 'fuzz', kind: 'fuzz', allowed: false, ...enforce };
    expect(one(off)).toMatchObject({ outcome: 'pass', observed: 0, expected: { allowed: false } });
    expect(one(off, (c) => (c.fuzz = 1))).toMatchObject({ outcome: 'fail', observed: 1 });
    const on: PolicyRule = { id: 'fuzz', kind: 'fuzz', allowed: true, max: 1, ...enforce };
    expect(one(on, (c) => (c.fuzz = 1)).outcome).toBe('pass');
    expect(one(on, (c) => (c.fuzz = 2)).outcome).toBe('fail');
    const anyFuzz: PolicyRule = { id: 'fuzz', kind: 'fuzz', allowed: true, ...enforce };
    expect(one(anyFuzz, (c) => (c.fuzz = 3)).outcome).toBe('pass');
  });
});

const everyRule: PolicyRule[] = [
  { id: 'rep', kind: 'min-reputation', min: 600_000_000, ...enforce },
  { id: 'len', kind: 'max-chain-length', max: 10, ...enforce },
  {
    id: 'sec',
    kind: 'attestations',
    reason: 'reviewed',
    count: 2,
    from: { roles: ['security'] },
    ...enforce,
  },
  { id: 'who', kind: 'authors', allow: { roles: ['developer'] }, ...enforce },
  { id: 'why', kind: 'patch-reason', pattern: '^fix', ...enforce },
  { id: 'where', kind: 'components', allow: ['core/**'], ...enforce },
  { id: 'op', kind: 'acting-role', roles: ['technician'], mode: 'warn' },
  { id: 'tree', kind: 'target-tree', treeHashes: [tree('a')], ...enforce },
  { id: 'fw', kind: 'component-version', component: 'firmware', constraint: '>=2', ...enforce },
  { id: 'clean', kind: 'no-malicious', ...enforce },
  { id: 'flag', kind: 'not-flagged', ...enforce },
  { id: 'fresh', kind: 'freshness', maxAgeSeconds: 86_400, ...enforce },
  { id: 'fuzz', kind: 'fuzz', allowed: false, ...enforce },
];

describe('hashes', () => {
  const compiled = compilePolicy(policy(...everyRule));

  it('records the policy, scores and ledger hashes and the inputs not named by a hash', () => {
    const result = compiled.evaluate(context((c) => (c.via = TESTED)));
    expect(result.decision).toBe('allow');
    expect(result.hashes).toMatchObject({
      policy: compiled.hash,
      scores: tree('5'),
      ledger: 'ld1:0123456789abcdef0123',
    });
    expect(result.inputs).toEqual({
      actingRole: 'technician',
      fuzz: 0,
      newestLedgerTime: '2026-11-22T09:00:00Z',
      now: '2026-11-22T10:00:00Z',
      patch: PATCH,
      treeHash: tree('a'),
      via: TESTED,
    });
  });

  it('the policy hash is the SHA-256 of its canonical JSON, whatever the member order', () => {
    const doc = policy(...everyRule);
    const shuffled = JSON.parse(
      JSON.stringify({ rules: doc.rules, version: 1, format: doc.format }),
    );
    expect(compilePolicy(shuffled).hash).toBe(compiled.hash);
    expect(compiled.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('same inputs give the same decision hash; any change in input changes it', () => {
    const a = compiled.evaluate(context());
    const b = compilePolicy(policy(...everyRule)).evaluate(context());
    expect(b).toEqual(a);
    const variants: ((c: PolicyContext) => void)[] = [
      (c) => (c.now = '2026-11-22T10:00:01Z'),
      (c) => (c.scoreHash = tree('6')),
      (c) => (c.ledgerDigest = 'ld1:ffffffffffffffffffff'),
      (c) => (c.actingRole = 'guest'),
      (c) => (c.via = REVIEW_B),
    ];
    for (const change of variants)
      expect(compiled.evaluate(context(change)).hashes.decision).not.toBe(a.hashes.decision);
  });

  it('the decision hash is the RFC 8785 hash of the decision record (the fast writer agrees)', () => {
    const odd = 'é ☃ \u2028 "q" \\ \u0000 😀';
    const results: PolicyDecision[] = [
      compiled.evaluate(context()),
      compiled.evaluate(context((c) => (c.fuzz = 2))),
      run([]),
      run(
        everyRule.map((r) => ({ ...r, mode: 'warn' })),
        (c) => {
          c.metadata.reason = odd;
          c.metadata.components = [odd, 'core/x'];
          c.actingRole = odd;
          c.ledgerDigest = odd;
          c.scoreHash = odd;
          c.system.components = { firmware: odd };
          delete c.newestLedgerTime;
          c.via = odd;
        },
      ),
    ];
    for (const result of results) {
      expect(decisionHash(result)).toBe(result.hashes.decision);
      const record = decisionRecord(result);
      expect(JSON.stringify(record)).toBe(canonicalJson(record));
      expect(record.rules.map((r) => Object.keys(r))).toEqual(
        result.rules.map(() => ['id', 'observed', 'outcome']),
      );
    }
  });

  it('the hash binds the outcome and what was observed, not the wording of messages', () => {
    const result = compiled.evaluate(context());
    const reworded = structuredClone(result);
    for (const r of reworded.rules) r.message = `reworded: ${r.message}`;
    reworded.missing.push('a note');
    expect(decisionHash(reworded)).toBe(result.hashes.decision);
    const altered = structuredClone(result);
    (altered.rules[0] as RuleOutcome).observed = 999_999_999;
    expect(decisionHash(altered)).not.toBe(result.hashes.decision);
    const flipped = structuredClone(result);
    flipped.decision = 'deny';
    expect(decisionHash(flipped)).not.toBe(result.hashes.decision);
  });

  it('decide gives the same verdict without the hash; sealDecision adds it', () => {
    const unsealed = compiled.decide(context());
    expect(unsealed.hashes).not.toHaveProperty('decision');
    expect(sealDecision(unsealed)).toEqual(compiled.evaluate(context()));
  });

  it('a compiled policy is frozen, and its `expected` values cannot be changed through a result', () => {
    expect(Object.isFrozen(compiled.policy.rules[0])).toBe(true);
    const result = compiled.evaluate(context());
    expect(() => ((result.rules[0]?.expected as { min: number }).min = 0)).toThrow(TypeError);
  });
});
