/**
 * A check from a proof pack alone is never more favourable than the full ledger's at the same
 * checkpoint: whichever entries a pack leaves out (a COMPROMISED flag above all), every rule
 * that needs the absence of negative evidence is unmet, and says why.
 */
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  computeReputation,
  defaultReputationParams,
  makeSeedSigner,
  packContext,
  provenance,
  reputationClock,
  reputationInputs,
  type PolicyContext,
  type PolicyRule,
  type Signer,
} from '../../src/core/index.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import {
  makeProofPack,
  serializeProofPack,
  verifyProofPack,
  type ProofPack,
} from '../../src/core/ledger/proof-pack.ts';
import { logVerifierKey, makeLedgerCheckpoint } from '../../src/core/ledger/proofs.ts';

const T = '2026-11-22T10:20:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const RULES: PolicyRule[] = [
  { id: 'not-flagged', kind: 'not-flagged', mode: 'enforce' },
  { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
  {
    id: 'review',
    kind: 'attestations',
    mode: 'enforce',
    reason: 'reviewed',
    count: 1,
    from: { roles: ['security'] },
  },
  { id: 'why', kind: 'patch-reason', mode: 'enforce', allowed: ['fix'] },
];
const policy = compilePolicy({ format: 'urn:patchtrail:policy:v1', version: 1, rules: RULES });

async function world(flagged: boolean) {
  const [admin, dev, reviewer] = [await signer(1), await signer(2), await signer(3)];
  const ledger = await Ledger.found(admin, { name: 'p', admins: [admin.did], threshold: 1 }, T);
  for (const s of [dev, reviewer]) await ledger.append(s, 'register', { name: '' }, T);
  await ledger.append(admin, 'endorse', { subject: reviewer.did, role: 'security', stake: 1 }, T);
  const publish = { patch: PATCH, diff: PATCH, creator: dev.did, reason: 'fix', components: [] };
  await ledger.append(dev, 'publish', { ...publish, created: T }, T);
  const built = await ledger.append(dev, 'attest', { patch: PATCH, reason: 'built' }, T);
  await ledger.append(
    reviewer,
    'attest',
    { patch: PATCH, reason: 'reviewed', parent: built.id },
    T,
  );
  if (flagged)
    await ledger.append(admin, 'flag', { patch: PATCH, compromised: true, evidence: 'bad' }, T);
  await makeLedgerCheckpoint(ledger, admin, { time: T });
  const { pack } = await makeProofPack(ledger, PATCH);
  return { ledger, pack, logKey: logVerifierKey(ledger.id, admin) };
}

/** The decision from the whole verified ledger, as the agent's decider gathers it. */
async function fullDecision(ledger: Ledger) {
  const params = defaultReputationParams(reputationClock(ledger));
  const scores = computeReputation(reputationInputs(ledger, params), params);
  const context: PolicyContext = {
    patch: PATCH,
    metadata: { creator: (await signer(2)).did, reason: 'fix', components: [] },
    provenance: provenance(ledger, PATCH),
    identities: ledger.registry().identities,
    scores: scores.scores,
    scoreHash: scores.scoreHash,
    ledgerDigest: await ledger.digest(),
    now: T,
    system: { treeHash: '', components: {} },
    fuzz: 0,
  };
  return policy.evaluate(context).decision;
}

/** Every non-empty subset of the pack's entries, as a pack of its own. */
function subsets(pack: ProofPack): ProofPack[] {
  const out: ProofPack[] = [];
  for (let mask = 1; mask < 1 << pack.entries.length; mask++)
    out.push({ ...pack, entries: pack.entries.filter((_e, i) => (mask & (1 << i)) !== 0) });
  return out;
}

describe('a check from a proof pack alone', () => {
  it('is never more favourable than the full ledger, whatever entries the pack leaves out', async () => {
    for (const flagged of [true, false]) {
      const w = await world(flagged);
      const full = await fullDecision(w.ledger);
      expect(full).toBe(flagged ? 'deny' : 'allow');
      for (const pack of subsets(w.pack)) {
        const report = await verifyProofPack(serializeProofPack(pack), {
          logKey: w.logKey,
          witnesses: [],
          threshold: 0,
        });
        expect(report.ok).toBe(true);
        const decision = policy.evaluate(packContext(report, T));
        expect(decision.decision).toBe('deny');
        for (const id of ['not-flagged', 'clean', 'review'])
          expect(decision.rules.find((r) => r.id === id)?.outcome).toBe('fail');
      }
    }
  });

  it('says why a rule is unmet, and keeps a flag in the pack as a proven failure', async () => {
    const w = await world(true);
    const withoutFlag = { ...w.pack, entries: w.pack.entries.slice(0, -1) };
    const verify = (pack: ProofPack) =>
      verifyProofPack(serializeProofPack(pack), { logKey: w.logKey, witnesses: [], threshold: 0 });
    const hidden = policy.evaluate(packContext(await verify(withoutFlag), T));
    expect(hidden.rules.find((r) => r.id === 'not-flagged')).toMatchObject({
      outcome: 'fail',
      observed: { unproven: 'proof pack' },
      message: expect.stringMatching(/^unmet from a proof pack alone: a pack shows the flags/),
    });
    expect(hidden.missing).toContain(
      'not-flagged needs the ledger: a pack shows the flags it holds, not that there are no others',
    );
    expect(hidden.rules.find((r) => r.id === 'why')?.outcome).toBe('pass');
    const shown = policy.evaluate(packContext(await verify(w.pack), T));
    expect(shown.rules.find((r) => r.id === 'not-flagged')).toMatchObject({
      outcome: 'fail',
      observed: 1,
    });
    expect((await verify(withoutFlag)).notProven[0]).toBe(
      'that no other flag says the patch is compromised',
    );
  });
});
