/**
 * A policy with a `cel` rule through a real ledger: effectivePolicy needs the engine (and says
 * so), a policy whose expression does not compile is rejected like any malformed policy (the
 * one in force stays), and the decision over real provenance is the same on a peer that
 * admitted the entries in another order.
 */
import { describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { provenance } from '../../src/core/ledger/queries.ts';
import {
  effectivePolicy,
  effectivePolicyAsync,
  POLICY_FORMAT,
  type PolicyContext,
} from '../../src/core/policy/index.ts';
import { codeOf } from '../helpers/codes.ts';

const T = '2026-11-22T09:30:00Z';
const PATCH = `sha256:${'ee'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const celPolicy = (version: number, expression: string) => ({
  format: POLICY_FORMAT,
  version,
  rules: [{ id: 'reviewed-core', kind: 'cel', mode: 'enforce', expression }],
});
const EXPRESSION =
  'chain.exists(h, h.reason == "reviewed" && "security" in systems[h.author].roles) && ' +
  'patch.components.all(c, c.startsWith("core")) && scores.size() == 0 && ' +
  'chain.size() == 2 && chain[0].id < chain[1].id'; // with no `via`, hops are in id order

async function team() {
  const [admin, builder, reviewer] = (await Promise.all([1, 2, 3].map(signer))) as Signer[];
  const ledger = await Ledger.found(
    admin as Signer,
    { name: 'cel', admins: [(admin as Signer).did], threshold: 1 },
    T,
  );
  for (const [s, name] of [
    [builder, 'builder'],
    [reviewer, 'reviewer'],
  ] as const)
    await ledger.append(s as Signer, 'register', { name }, T);
  const endorse = (s: Signer | undefined, role: string) =>
    ledger.append(admin as Signer, 'endorse', { subject: (s as Signer).did, role, stake: 1 }, T);
  await endorse(builder, 'developer');
  await endorse(reviewer, 'security');
  const creator = (builder as Signer).did;
  const body = { patch: PATCH, diff: PATCH, creator, reason: 'fix', components: ['core'] };
  await ledger.append(builder as Signer, 'publish', { ...body, created: T }, T);
  const built = await ledger.append(
    builder as Signer,
    'attest',
    { patch: PATCH, reason: 'built' },
    T,
  );
  const review = { patch: PATCH, reason: 'reviewed' as const, parent: built.id };
  await ledger.append(reviewer as Signer, 'attest', review, T);
  const publish = (version: number, expression: string) =>
    ledger.append(
      admin as Signer,
      'policy',
      { version, policy: celPolicy(version, expression) as never },
      T,
    );
  const contextOf = async (on: Ledger): Promise<PolicyContext> => ({
    patch: PATCH,
    metadata: { creator, reason: 'fix', components: ['core'] },
    provenance: provenance(on, PATCH),
    identities: on.registry().identities,
    scores: new Map(),
    scoreHash: `sha256:${'00'.repeat(32)}`,
    ledgerDigest: await on.digest(),
    now: T,
    newestLedgerTime: T,
    system: { treeHash: PATCH, components: {} },
    fuzz: 0,
  });
  return { ledger, publish, contextOf };
}

describe('a cel policy in force on a real ledger', () => {
  it('needs the engine; with it, allows, and a peer in another order decides the same', async () => {
    const { ledger, publish, contextOf } = await team();
    await publish(1, EXPRESSION);
    expect(await codeOf(() => effectivePolicy(ledger))).toBe('MALFORMED_INPUT');
    expect(() => effectivePolicy(ledger)).toThrow(/use compilePolicyAsync or effectivePolicyAsync/);
    const { compiled } = await effectivePolicyAsync(ledger);
    if (compiled === undefined) throw new Error('no policy in force');
    const result = compiled.evaluate(await contextOf(ledger));
    expect(result.decision).toBe('allow');
    expect(result.rules[0]).toMatchObject({ kind: 'cel', outcome: 'pass', observed: true });

    const peer = await Ledger.open(ledger.genesis.bytes);
    for (const e of [...ledger.all()].slice(1).reverse()) await peer.admit(e.bytes, { key: e.id });
    const again = (await effectivePolicyAsync(peer)).compiled?.evaluate(await contextOf(peer));
    expect(again?.hashes.decision).toBe(result.hashes.decision);
  });

  it('a later policy whose expression does not compile is rejected; the one in force stays', async () => {
    const { ledger, publish, contextOf } = await team();
    await publish(1, EXPRESSION);
    const broken = await publish(2, 'chain.exists(h, h.reviewer == "x")');
    const state = await effectivePolicyAsync(ledger);
    expect(state.compiled?.policy.version).toBe(1);
    expect(state.rejected).toEqual([
      expect.objectContaining({
        id: broken.id,
        code: 'MALFORMED_INPUT',
        message: expect.stringMatching(/hop has no member 'reviewer'/) as string,
      }),
    ]);
    expect(state.compiled?.evaluate(await contextOf(ledger)).decision).toBe('allow');
  });
});
