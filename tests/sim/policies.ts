/**
 * The two policies the simulation compares, published through the ledger by two of the three
 * admins (the genesis threshold) and read back with effectivePolicy, and the decision a device
 * asks of the one in force for a patch received through one source (`via`).
 *
 * Without reputation: `no-malicious` (no equivocating system in the chain) and `not-flagged`
 * counting only the admins' flags. With reputation: the same two and `min-reputation`: every
 * system in the chain (publisher, creator, each hop from `via` up) scores at least the bar.
 */
import { provenance } from '../../src/core/ledger/queries.ts';
import {
  compilePolicy,
  effectivePolicy,
  POLICY_FORMAT,
  type CompiledPolicy,
  type PolicyDocument,
  type UnsealedDecision,
} from '../../src/core/policy/index.ts';
import {
  computeReputation,
  defaultReputationParams,
  reputationClock,
  reputationInputs,
  type ReputationInput,
  type ReputationResult,
} from '../../src/core/reputation/index.ts';
import type { Actor, Source, World } from './world.ts';

export function policyDocument(world: World, withReputation = world.config.withReputation) {
  const admins = world.admins.map((a) => a.signer.did);
  const { minReputation } = world.config;
  const rules: PolicyDocument['rules'] = [
    { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
    { id: 'not-flagged', kind: 'not-flagged', mode: 'enforce', by: { systems: admins } },
  ];
  if (withReputation)
    rules.push({ id: 'reputation', kind: 'min-reputation', mode: 'enforce', min: minReputation });
  const name = withReputation ? 'sim: with reputation' : 'sim: without reputation';
  const document: PolicyDocument = { format: POLICY_FORMAT, version: 1, name, rules };
  return document;
}

/** The policy without reputation, as an admin trying sources applies by (`adminsTry`). */
export function tryingPolicy(world: World): CompiledPolicy {
  return compilePolicy(policyDocument(world, false));
}

/** Publishes the policy with the genesis threshold of admins and returns the one in force. */
export async function publishPolicy(world: World): Promise<CompiledPolicy> {
  const policy = policyDocument(world) as unknown as Record<string, never>;
  for (const admin of world.admins.slice(0, 2))
    await world.ledger.append(admin.signer, 'policy', { version: 1, policy }, world.clock.next());
  const { compiled } = effectivePolicy(world.ledger);
  if (compiled === undefined) throw new Error('sim: the policy did not take effect');
  return compiled;
}

/**
 * What every device knows at the start of a cycle: the scores and the ledger digest. Scores
 * are computed in runs without reputation too (the policy and the choice of source ignore
 * them there), so both runs show what the engine makes of the same attacks.
 */
export interface Snapshot {
  scores: ReadonlyMap<string, number>;
  scoreHash: string;
  ledgerDigest: string;
  input: ReputationInput;
  result: ReputationResult;
}

/** Recomputes reputation from the verified ledger, and its digest. */
export async function takeSnapshot(world: World): Promise<Snapshot> {
  const ledgerDigest = await world.ledger.digest();
  const params = defaultReputationParams(reputationClock(world.ledger));
  const input = reputationInputs(world.ledger, params);
  const result = computeReputation(input, params);
  return { scores: result.scores, scoreHash: result.scoreHash, ledgerDigest, input, result };
}

/** The policy's decision for `device` applying `source.patch` received through `source`. */
export function judge(
  world: World,
  policy: CompiledPolicy,
  snapshot: Snapshot,
  source: Source,
  treeHash: string,
): UnsealedDecision {
  return policy.decide({
    patch: source.patch.digest,
    metadata: source.patch.metadata,
    provenance: provenance(world.ledger, source.patch.digest),
    via: source.attestation,
    identities: world.ledger.registry().identities,
    scores: snapshot.scores,
    scoreHash: snapshot.scoreHash,
    ledgerDigest: snapshot.ledgerDigest,
    now: world.clock.now(),
    system: { treeHash, components: {} },
    fuzz: 0,
  });
}

/** A source's score for choosing among responders (0 for an unscored system). */
export const scoreOf = (snapshot: Snapshot, a: Actor) => snapshot.scores.get(a.signer.did) ?? 0;
