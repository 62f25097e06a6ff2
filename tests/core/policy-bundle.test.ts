/**
 * The bundle's appended attestations as policy evidence: who signed them is judged by the
 * registry (unregistered, revoked or malicious signers never count, claimed roles are
 * ignored), a `pass` is a review, and a registered `fail` denies unless a rule says otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/core/ledger/registry.ts';
import {
  compilePolicy,
  POLICY_FORMAT,
  type BundleAttestation,
  type PolicyContext,
  type PolicyRule,
} from '../../src/core/policy/index.ts';

const did = (c: string) => `did:key:z6Mk${c.repeat(44)}`;
const ADMIN = did('a');
const REVIEWER = did('b');
const QA = did('c');
const STRANGER = did('d');
const REVOKED = did('e');
const LIAR = did('f');
const BUILDER = did('g');
const PATCH = `sha256:${'e'.repeat(64)}`;

function identity(who: string, roles: Record<string, number>, extra: Partial<Identity> = {}) {
  const held = Object.entries(roles).map(([role, stake]) => [role, { stake, by: [ADMIN] }]);
  const roleMap = Object.fromEntries(held) as Identity['roles'];
  const base = { did: who, name: who.slice(-3), registered: `sha256:${'1'.repeat(64)}` };
  return { ...base, admin: false, roles: roleMap, malicious: false, ...extra } as Identity;
}

function context(bundle: BundleAttestation[]): PolicyContext {
  const identities = new Map<string, Identity>([
    [REVIEWER, identity(REVIEWER, { security: 1 })],
    [QA, identity(QA, { qa: 1 })],
    [LIAR, identity(LIAR, {})],
    [REVOKED, identity(REVOKED, { security: 1 }, { revokedFrom: 0 })],
    [BUILDER, identity(BUILDER, { developer: 1 })],
  ]);
  return {
    patch: PATCH,
    metadata: { creator: BUILDER, reason: 'fix', components: [] },
    provenance: { patch: PATCH, hops: [], roots: [], flags: [], missingParents: [] },
    bundleAttestations: bundle,
    identities,
    scores: new Map(),
    scoreHash: `sha256:${'5'.repeat(64)}`,
    ledgerDigest: 'ld1:0123456789abcdef0123',
    now: '2026-11-22T10:00:00Z',
    system: { treeHash: '', components: {} },
    fuzz: 0,
  };
}

const review: PolicyRule = {
  id: 'review',
  kind: 'attestations',
  mode: 'enforce',
  reason: 'reviewed',
  count: 1,
  from: { roles: ['security'] },
};
const decide = (rules: PolicyRule[], bundle: BundleAttestation[]) =>
  compilePolicy({ format: POLICY_FORMAT, version: 1, rules }).evaluate(context(bundle));
const ruleOf = (result: ReturnType<typeof decide>, id: string) =>
  result.rules.find((r) => r.id === id);

describe('in-bundle attestations in the policy', () => {
  it("a stranger's pass and a registered reviewer's fail: denied, naming the reviewer", () => {
    const result = decide(
      [{ id: 'open', kind: 'fuzz', mode: 'enforce', allowed: false }],
      [
        { did: STRANGER, verdict: 'pass' },
        { did: REVIEWER, verdict: 'fail' },
      ],
    );
    expect(result.decision).toBe('deny');
    expect(ruleOf(result, 'implicit:fail-verdicts')).toMatchObject({
      outcome: 'fail',
      observed: 1,
      signers: [REVIEWER],
    });
    expect(result.reasons.join()).toMatch(/marked the patch as failing/);
  });

  it('fail verdicts by unregistered, revoked or malicious signers never deny', () => {
    const bad = { ...context([]) };
    const malicious = identity(LIAR, {}, { malicious: true });
    const result = compilePolicy({ format: POLICY_FORMAT, version: 1, rules: [review] }).evaluate({
      ...bad,
      identities: new Map([...bad.identities, [LIAR, malicious]]),
      bundleAttestations: [
        { did: STRANGER, verdict: 'fail' },
        { did: REVOKED, verdict: 'fail' },
        { did: LIAR, verdict: 'fail' },
        { did: REVIEWER, verdict: 'pass' },
      ],
    });
    expect(ruleOf(result, 'implicit:fail-verdicts')?.outcome).toBe('pass');
    expect(result.decision).toBe('allow');
  });

  it('a verdicts rule says otherwise: whose fails count, and how many may', () => {
    const onlySecurity: PolicyRule = {
      id: 'fails',
      kind: 'verdicts',
      mode: 'enforce',
      from: { roles: ['security'] },
    };
    const qaFails = [{ did: QA, verdict: 'fail' as const }];
    expect(decide([onlySecurity], qaFails).decision).toBe('allow');
    expect(decide([onlySecurity], qaFails).rules.map((r) => r.id)).toEqual(['fails']);
    expect(decide([onlySecurity], [{ did: REVIEWER, verdict: 'fail' }]).decision).toBe('deny');
    const oneAllowed: PolicyRule = { id: 'fails', kind: 'verdicts', mode: 'enforce', max: 1 };
    expect(decide([oneAllowed], qaFails).decision).toBe('allow');
    const warnOnly: PolicyRule = { id: 'fails', kind: 'verdicts', mode: 'warn' };
    expect(decide([warnOnly], qaFails).rules[0]?.outcome).toBe('warn');
  });

  it('a pass counts as a review by the roles the registry gives, not the role the bundle claims', () => {
    expect(ruleOf(decide([review], [{ did: REVIEWER, verdict: 'pass' }]), 'review')).toMatchObject({
      outcome: 'pass',
      observed: 1,
      signers: [REVIEWER],
    });
    // LIAR is registered with no role; STRANGER is not registered; REVOKED held security.
    for (const who of [LIAR, STRANGER, REVOKED, QA])
      expect(ruleOf(decide([review], [{ did: who, verdict: 'pass' }]), 'review')?.outcome).toBe(
        'fail',
      );
    const tested: PolicyRule = { ...review, id: 'tested', reason: 'tested' };
    expect(ruleOf(decide([tested], [{ did: REVIEWER, verdict: 'pass' }]), 'tested')?.outcome).toBe(
      'fail',
    );
  });
});
