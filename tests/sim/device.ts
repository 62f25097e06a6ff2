/**
 * A device's turn, the paper's query mapped to patches: the device needs a fix, hears every
 * source that holds it, picks one (`SimConfig.choice`: by global trust with a 10% chance of a
 * zero-score source, uniformly without reputation; or uniformly whatever the scores), asks the
 * policy in force about the patch received through that source (`via`), tries the next source
 * on a denial (`retry`), and applies the first allowed patch to its tree and records `applied`
 * with `parent` = the source's attestation and the decision hash, as the agent's record step
 * does. A compromised patch it applied is found out later (detect.ts).
 */
import { applyDiff, treeHash, type MemoryTree } from '../../src/core/index.ts';
import {
  sealDecision,
  type CompiledPolicy,
  type UnsealedDecision,
} from '../../src/core/policy/index.ts';
import { responders } from './behaviour.ts';
import { catchUp, report } from './detect.ts';
import { judge, scoreOf, takeSnapshot, type Snapshot } from './policies.ts';
import { newIdentity } from './setup.ts';
import { isHonest, type Actor, type Metrics, type Source, type World } from './world.ts';

export interface Turn {
  world: World;
  policy: CompiledPolicy;
  /** The policy admins apply by when they try sources (`adminsTry`). */
  trying: CompiledPolicy;
  snapshot: Snapshot;
  metrics: Metrics;
  cycle: number;
}

/** The index in `pool` of the source the device tries next (Kamvar et al. 2003, §7). */
function pick(world: World, snapshot: Snapshot, pool: readonly Source[]): number {
  const { rng, config } = world;
  if (!config.withReputation || config.choice === 'random') return rng.int(pool.length);
  const scores = pool.map((s) => scoreOf(snapshot, s.system));
  const zero: number[] = [];
  const positive: number[] = [];
  scores.forEach((score, i) => (score > 0 ? positive : zero).push(i));
  if (positive.length === 0 || (zero.length > 0 && rng.chance(config.explore)))
    return rng.pick(zero);
  return positive[rng.weighted(positive.map((i) => scores[i] as number))] as number;
}

function count(turn: Turn, source: Source, allowed: boolean): void {
  const { metrics } = turn;
  metrics.decisions++;
  if (!allowed) metrics.denials++;
  if (source.system.kind === 'honest') {
    const late = 2 * turn.cycle >= turn.world.config.cycles;
    metrics.honestOffers++;
    if (late) metrics.honestOffersLate++;
    if (!allowed) metrics.honestDenied++;
    if (!allowed && late) metrics.honestDeniedLate++;
  }
  if (source.system.role === 'sybil') metrics[allowed ? 'sybilAllowed' : 'sybilDenied'] += 1;
}

/** The first source the policy allows, trying sources in the order `pick` gives. */
function choose(turn: Turn, device: Actor, sources: Source[], tree: string) {
  const { world, snapshot } = turn;
  const counted = isHonest(device);
  const policy = device.kind === 'admin' && world.config.adminsTry ? turn.trying : turn.policy;
  const pool = [...sources];
  while (pool.length > 0) {
    const i = pick(world, snapshot, pool);
    const source = pool[i] as Source;
    const decision = judge(world, policy, snapshot, source, tree);
    const allowed = decision.decision === 'allow';
    if (counted) count(turn, source, allowed);
    if (allowed) return { source, decision };
    if (!world.config.retry) return undefined;
    pool.splice(i, 1);
  }
  return undefined;
}

async function applyAndRecord(world: World, device: Actor, source: Source, d: UnsealedDecision) {
  const result = await applyDiff(device.tree as MemoryTree, source.patch.diff);
  return world.ledger.append(
    device.signer,
    'attest',
    {
      patch: source.patch.digest,
      reason: 'applied',
      target: device.name,
      treeBefore: result.treeBefore,
      treeAfter: result.treeAfter,
      decision: sealDecision(d).hashes.decision,
      parent: source.attestation,
    },
    world.clock.next(),
  );
}

/** One device's query. Only honest devices (admins included) count in the metrics. */
export async function deviceTurn(turn: Turn, device: Actor): Promise<void> {
  const { world, metrics } = turn;
  if (world.config.detection === 'next-round') {
    await catchUp(world, metrics, device, turn.cycle);
    turn.snapshot = await takeSnapshot(world);
  }
  const needs = [...device.needs];
  if (needs.length === 0 || device.tree === undefined) return;
  const fix = world.rng.pick(needs);
  const counted = isHonest(device);
  const sources = await responders(world, device, fix);
  const chosen = choose(turn, device, sources, await treeHash(device.tree));
  if (counted) metrics.queries++;
  if (chosen === undefined) {
    if (counted) metrics.nothing++;
    return;
  }
  const { source, decision } = chosen;
  const applied = await applyAndRecord(world, device, source, decision);
  device.needs.delete(fix);
  if (source.system.role === 'sybil') await newIdentity(world, source.system);
  if (!counted) return;
  metrics.applied++;
  if (!source.patch.compromised) return;
  metrics.compromised++;
  metrics.compromises.push({
    cycle: turn.cycle,
    device: device.signer.did,
    source: source.patch.metadata.creator,
    role: source.system.role,
    patch: source.patch.digest,
  });
  report(world, device, source.patch, applied.id, turn.cycle);
}
