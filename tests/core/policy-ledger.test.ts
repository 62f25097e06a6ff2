/**
 * Policy through the ledger: which published policy is in force (threshold of distinct admins,
 * monotonic versions, the conflict rule, whatever the arrival order), and one evaluation end
 * to end over a real ledger's provenance and registry.
 */
import { describe, expect, it } from 'vitest';
import { makeSeedSigner, toBase64, type Signer } from '../../src/core/index.ts';
import type { Entry } from '../../src/core/ledger/entry.ts';
import { Ledger, rotationMessage } from '../../src/core/ledger/ledger.ts';
import { provenance } from '../../src/core/ledger/queries.ts';
import { signEntry } from '../../src/core/ledger/entry.ts';
import { label } from '../../src/core/policy/chain.ts';
import {
  canonicalHash,
  effectivePolicy,
  POLICY_FORMAT,
  type PolicyContext,
  type PolicyRule,
} from '../../src/core/policy/index.ts';

const T = '2026-11-22T09:30:00Z';
const PATCH = `sha256:${'ee'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

const doc = (version: number, ...rules: PolicyRule[]) => ({
  format: POLICY_FORMAT,
  version,
  rules: rules.length > 0 ? rules : [{ id: 'clean', kind: 'no-malicious', mode: 'enforce' }],
});
const fuzzOff = (id: string): PolicyRule => ({ id, kind: 'fuzz', allowed: false, mode: 'enforce' });

async function council(threshold = 2) {
  const [a1, a2, a3, dev] = await Promise.all([1, 2, 3, 4].map(signer));
  const admins = [a1, a2, a3] as Signer[];
  const ledger = await Ledger.found(
    a1 as Signer,
    { name: 'fleet', admins: admins.map((a) => a.did), threshold },
    T,
  );
  for (const [s, name] of [
    [a2, 'admin 2'],
    [a3, 'admin 3'],
    [dev, 'dev'],
  ] as const)
    await ledger.append(s as Signer, 'register', { name }, T);
  const publish = (by: Signer, version: number, policy: object = doc(version)) =>
    ledger.append(by, 'policy', { version, policy: policy as never }, T);
  return {
    ledger,
    a1: a1 as Signer,
    a2: a2 as Signer,
    a3: a3 as Signer,
    dev: dev as Signer,
    publish,
  };
}

describe('effectivePolicy', () => {
  it('takes effect at the threshold of distinct admins; one admin twice is still one', async () => {
    const { ledger, a1, a2, publish } = await council();
    expect(effectivePolicy(ledger).compiled).toBeUndefined();
    await publish(a1, 1);
    await publish(a1, 1);
    const half = effectivePolicy(ledger);
    expect(half.compiled).toBeUndefined();
    expect(half.pending).toMatchObject([{ version: 1, signers: [a1.did] }]);
    const second = await publish(a2, 1);
    const whole = effectivePolicy(ledger);
    expect(whole.compiled?.policy.version).toBe(1);
    expect(whole.compiled?.hash).toBe(canonicalHash(doc(1)));
    expect(whole.current?.signers).toEqual([a1.did, a2.did].sort());
    expect(whole.current?.entries).toContain(second.id);
    expect(whole.threshold).toBe(2);
  });

  it('a higher version replaces a lower one; a lower or equal one never replaces it', async () => {
    const { ledger, a1, a2, a3, publish } = await council();
    await publish(a1, 2, doc(2, fuzzOff('v2')));
    await publish(a2, 2, doc(2, fuzzOff('v2')));
    await publish(a1, 1);
    await publish(a3, 1);
    const state = effectivePolicy(ledger);
    expect(state.compiled?.policy.version).toBe(2);
    expect(state.superseded.map((c) => c.version)).toEqual([1]);
    await publish(a2, 3, doc(3, fuzzOff('v3')));
    expect(effectivePolicy(ledger).compiled?.policy.version).toBe(2); // v3 is pending
    await publish(a3, 3, doc(3, fuzzOff('v3')));
    expect(effectivePolicy(ledger).compiled?.policy.rules[0]?.id).toBe('v3');
  });

  it('two policies with one version: the smaller hash wins, in any arrival order, and it is reported', async () => {
    const { ledger, a1, a2, a3, publish } = await council();
    const x = doc(4, fuzzOff('x'));
    const y = doc(4, fuzzOff('y'));
    const entries: Entry[] = [
      await publish(a1, 4, x),
      await publish(a2, 4, x),
      await publish(a2, 4, y),
      await publish(a3, 4, y),
    ];
    const [small, large] = [canonicalHash(x), canonicalHash(y)].sort() as [string, string];
    const state = effectivePolicy(ledger);
    expect(state.compiled?.hash).toBe(small);
    expect(state.conflicts).toEqual([
      {
        version: 4,
        hashes: [small, large],
        chosen: small,
        rule: 'two policies with one version reached the threshold: the smaller policy hash wins',
      },
    ]);
    // A peer that admits the same entries in another order agrees.
    const peer = await Ledger.open(ledger.genesis.bytes);
    const rest = [...ledger.all()].slice(1).filter((e) => !entries.includes(e));
    for (const e of [...rest, ...entries.reverse()]) await peer.admit(e.bytes, { key: e.id });
    const again = effectivePolicy(peer);
    expect(again.compiled?.hash).toBe(small);
    expect(again.conflicts).toEqual(state.conflicts);
    expect(again.current).toEqual(state.current);
  });

  it('lists what cannot count: a non-admin, a bad policy, a version that disagrees', async () => {
    const { ledger, a1, dev, publish } = await council(1);
    const byDev = await publish(dev, 9);
    const bad = await publish(a1, 5, { format: POLICY_FORMAT, version: 5, rules: [{}] });
    const mismatch = await publish(a1, 6, doc(7));
    const state = effectivePolicy(ledger);
    expect(state.compiled).toBeUndefined();
    const why = new Map(state.rejected.map((r) => [r.id, r]));
    expect(why.get(byDev.id)).toMatchObject({
      code: 'INVALID_METADATA',
      message: 'a policy takes an admin',
    });
    expect(why.get(bad.id)).toMatchObject({ code: 'MALFORMED_INPUT' });
    expect(why.get(mismatch.id)).toMatchObject({
      code: 'INVALID_METADATA',
      message: 'the entry says version 6, its policy 7',
    });
  });

  it('an admin and the key it rotated to count once', async () => {
    const { ledger, a1, a2, publish } = await council();
    const next = await signer(9);
    await publish(a2, 1);
    const proof = toBase64(await next.sign(rotationMessage(ledger.id, a2.did, next.did)));
    await ledger.append(a2, 'rotate', { to: next.did, proof }, T);
    await ledger.append(next, 'register', { name: 'admin 2, new key', rotatedFrom: a2.did }, T);
    await publish(next, 1);
    expect(effectivePolicy(ledger).compiled).toBeUndefined();
    await publish(a1, 1);
    expect(effectivePolicy(ledger).current?.signers).toHaveLength(2);
  });
});

describe('evaluation over a real ledger', () => {
  it('provenance and registry from the ledger: allowed, then denied once a hop equivocates', async () => {
    const [admin, builder, reviewer, relay] = await Promise.all([1, 2, 3, 4].map(signer));
    const ledger = await Ledger.found(
      admin as Signer,
      { name: 'e2e', admins: [(admin as Signer).did], threshold: 1 },
      T,
    );
    for (const [s, name] of [
      [builder, 'builder'],
      [reviewer, 'reviewer'],
      [relay, 'relay'],
    ] as const)
      await ledger.append(s as Signer, 'register', { name }, T);
    const endorse = (s: Signer | undefined, role: string) =>
      ledger.append(admin as Signer, 'endorse', { subject: (s as Signer).did, role, stake: 1 }, T);
    await endorse(builder, 'developer');
    await endorse(reviewer, 'security');
    const creator = (builder as Signer).did;
    await ledger.append(
      builder as Signer,
      'publish',
      { patch: PATCH, diff: PATCH, creator, reason: 'fix', components: ['core'], created: T },
      T,
    );
    const built = await ledger.append(
      builder as Signer,
      'attest',
      { patch: PATCH, reason: 'built' },
      T,
    );
    const reviewed = await ledger.append(
      reviewer as Signer,
      'attest',
      { patch: PATCH, reason: 'reviewed', parent: built.id },
      T,
    );
    const forwarded = await ledger.append(
      relay as Signer,
      'attest',
      { patch: PATCH, reason: 'forwarded', parent: reviewed.id },
      T,
    );
    await ledger.append(
      admin as Signer,
      'policy',
      {
        version: 1,
        policy: doc(
          1,
          { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
          {
            id: 'sec',
            kind: 'attestations',
            reason: 'reviewed',
            count: 1,
            from: { roles: ['security'] },
            mode: 'enforce',
          },
          { id: 'who', kind: 'authors', allow: { roles: ['developer'] }, mode: 'enforce' },
        ) as never,
      },
      T,
    );
    const compiled = effectivePolicy(ledger).compiled;
    if (compiled === undefined) throw new Error('no policy in force');
    const contextOf = async (): Promise<PolicyContext> => ({
      patch: PATCH,
      metadata: { creator, reason: 'fix', components: ['core'] },
      provenance: provenance(ledger, PATCH),
      via: forwarded.id,
      identities: ledger.registry().identities,
      scores: new Map(),
      scoreHash: `sha256:${'00'.repeat(32)}`,
      ledgerDigest: await ledger.digest(),
      now: T,
      newestLedgerTime: T,
      system: { treeHash: PATCH, components: {} },
      fuzz: 0,
    });
    const allowed = compiled.evaluate(await contextOf());
    expect(allowed.decision).toBe('allow');
    expect(allowed.rules[1]).toMatchObject({
      evidence: [reviewed.id],
      signers: [(reviewer as Signer).did],
    });

    // The relay signs two different entries at one sequence number.
    const fork = await signEntry(relay as Signer, {
      ledger: ledger.id,
      seq: forwarded.seq,
      prev: forwarded.prev,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: PATCH, reason: 'tested' },
    });
    await ledger.admit(fork.bytes, { key: fork.id });
    const denied = compiled.evaluate(await contextOf());
    expect(denied.decision).toBe('deny');
    expect(denied.rules[0]).toMatchObject({
      outcome: 'fail',
      signers: [(relay as Signer).did],
      evidence: [forwarded.id, fork.id].sort(),
    });
    expect(denied.hashes.ledger).not.toBe(allowed.hashes.ledger);
  });
});

describe('names in explanations', () => {
  it('cuts a registered name to 64 characters (a name may be 4,096); an unnamed system is its short did', async () => {
    const admin = await makeSeedSigner(new Uint8Array(32).fill(41));
    const long = await makeSeedSigner(new Uint8Array(32).fill(42));
    const ledger = await Ledger.found(admin, { name: 'T', admins: [admin.did], threshold: 1 }, T);
    await ledger.append(long, 'register', { name: '界'.repeat(4096) }, T);
    const { identities } = ledger.registry();
    expect(label(identities, long.did)).toBe(`${'界'.repeat(64)}…`);
    expect(label(identities, admin.did)).toBe(`${admin.did.slice(0, 14)}…${admin.did.slice(-6)}`);
  });
});
