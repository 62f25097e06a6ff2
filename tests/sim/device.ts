/**
 * A device's turn, the paper's query mapped to patches: the device needs a fix, hears every
 * source that holds it, picks one (by global trust with a 10% chance of a zero-score source,
 * or uniformly without reputation), asks the policy in force about the patch received through
 * that source (`via`), tries the next source on a denial, and applies the first allowed patch
 * to its tree and records `applied` with `parent` = the source's attestation and the decision
 * hash, as the agent's record step does. At the end of the cycle a device that applied a
 * compromised patch finds out, rolls it back (`rolled-back`, parent = its `applied`) and
 * reports it; the fix's admin flags the patch, the only flag the engine counts (malice.ts).
 */
import { applyDiff, treeHash, type MemoryTree } from '../../src/core/index.ts';
import {
  sealDecision,
  type CompiledPolicy,
  type UnsealedDecision,
} from '../../src/core/policy/index.ts';
import { responders } from './behaviour.ts';
import { judge, scoreOf, type Snapshot } from './policies.ts';
import { newIdentity } from './setup.ts';
import { isHonest, type Actor, type Metrics, type Source, type World } from './world.ts';

export interface Turn {
  world: World;
  policy: CompiledPolicy;
  snapshot: Snapshot;
  metrics: Metrics;
  cycle: number;
}

/** The index in `pool` of the source the device tries next (Kamvar et al. 2003, §7). */
function pick(world: World, snapshot: Snapshot, pool: readonly Source[]): number {
  const { rng, config } = world;
  if (!config.withReputation) return rng.int(pool.length);
  const scores = pool.map((s) => scoreOf(snapshot, s.system));
  const zero: number[] = [];
  const positive: number[] = [];
  scores.forEach((score, i) => (score > 0 ? positive : zero).push(i));
  if (positive.length === 0 || (zero.length > 0 && rng.chance(config.explore)))
    return rng.pick(zero);
  return positive[rng.weighted(positive.map((i) => scores[i] as number))] as number;
}

/** The first source the policy allows, trying sources in the order `pick` gives. */
function choose(turn: Turn, sources: Source[], tree: string, counted: boolean) {
  const { world, snapshot, metrics } = turn;
  const pool = [...sources];
  while (pool.length > 0) {
    const i = pick(world, snapshot, pool);
    const source = pool[i] as Source;
    const decision = judge(world, turn.policy, snapshot, source, tree);
    const allowed = decision.decision === 'allow';
    if (counted) {
      metrics.decisions++;
      if (!allowed) metrics.denials++;
      if (source.system.role === 'sybil') metrics[allowed ? 'sybilAllowed' : 'sybilDenied'] += 1;
    }
    if (allowed) return { source, decision };
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
  const needs = [...device.needs];
  if (needs.length === 0 || device.tree === undefined) return;
  const fix = world.rng.pick(needs);
  const counted = isHonest(device);
  const sources = await responders(world, device, fix);
  const chosen = choose(turn, sources, await treeHash(device.tree), counted);
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
  world.reports.push({ device, patch: source.patch, applied: applied.id });
}

/**
 * End of a cycle: each reported compromise is rolled back and (with `adminFlags`) flagged by
 * the fix's admin.
 */
export async function findOut(world: World, metrics: Metrics, cycle: number): Promise<void> {
  const { ledger, clock } = world;
  for (const { device, patch, applied } of world.reports.splice(0)) {
    if (!world.rng.chance(world.config.detectRate)) continue;
    const undo = await applyDiff(device.tree as MemoryTree, patch.diff, { reverse: true });
    const rolledBack = await ledger.append(
      device.signer,
      'attest',
      {
        patch: patch.digest,
        reason: 'rolled-back',
        target: device.name,
        treeBefore: undo.treeBefore,
        treeAfter: undo.treeAfter,
        parent: applied,
      },
      clock.next(),
    );
    device.needs.add(patch.fix);
    if (!world.config.adminFlags || world.flagged.has(patch.digest)) continue;
    const admin = world.admins[patch.fix % world.admins.length] as Actor;
    const evidence = `rolled back on ${device.name}: ${rolledBack.id}`;
    await ledger.append(
      admin.signer,
      'flag',
      { patch: patch.digest, compromised: true, evidence },
      clock.next(),
    );
    world.flagged.add(patch.digest);
    metrics.flags.push({ cycle, patch: patch.digest, author: patch.metadata.creator });
  }
}
