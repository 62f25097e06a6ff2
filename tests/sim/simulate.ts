/**
 * One run of the attack simulation over the real system: a ledger admitting every entry
 * through its validator, reputation from reputationInputs + computeReputation recomputed once
 * per cycle, and the policy in force deciding every application. A cycle: scores and the
 * ledger digest are taken, every system takes a turn in a seeded order (devices query,
 * malicious systems rate), then compromises are found out, rolled back and flagged.
 */
import { maliciousTurn } from './behaviour.ts';
import { findOut } from './detect.ts';
import { deviceTurn } from './device.ts';
import { publishPolicy, takeSnapshot, tryingPolicy, type Snapshot } from './policies.ts';
import { configFor, rolesFor, type Scenario, type Settings } from './scenarios.ts';
import { makeWorld } from './setup.ts';
import { emptyMetrics, isDevice, type Metrics, type World } from './world.ts';

export interface RunResult {
  scenario: Scenario;
  withReputation: boolean;
  metrics: Metrics;
  /**
   * Per system with `compromised` evidence against it: the first cycle whose scores carry it,
   * and its score then (cycle = the number of cycles for the scores after the last one).
   */
  penalised: Map<string, { cycle: number; score: number }>;
  /** Scores after the last cycle. */
  final: Snapshot;
  world: World;
  entries: number;
  milliseconds: number;
}

function notePenalties(snapshot: Snapshot, into: RunResult['penalised'], cycle: number): void {
  for (const p of snapshot.input.penalties)
    if (p.kind === 'compromised' && !into.has(p.did))
      into.set(p.did, { cycle, score: snapshot.scores.get(p.did) ?? 0 });
}

export async function simulate(
  scenario: Scenario,
  settings: Settings,
  withReputation: boolean,
): Promise<RunResult> {
  const started = performance.now();
  const config = configFor(scenario, settings, withReputation);
  const world = await makeWorld(config, rolesFor(scenario, config.malicious));
  const policy = await publishPolicy(world);
  const trying = tryingPolicy(world);
  const metrics = emptyMetrics();
  const penalised: RunResult['penalised'] = new Map();
  for (let cycle = 0; cycle < config.cycles; cycle++) {
    const snapshot = await takeSnapshot(world);
    notePenalties(snapshot, penalised, cycle);
    const turn = { world, policy, trying, snapshot, metrics, cycle };
    for (const actor of world.rng.shuffled(world.systems)) {
      if (isDevice(actor)) await deviceTurn(turn, actor);
      else await maliciousTurn(world, actor);
    }
    if (config.detection === 'cycle-end') await findOut(world, metrics, cycle);
  }
  const final = await takeSnapshot(world);
  notePenalties(final, penalised, config.cycles);
  return {
    scenario,
    withReputation,
    metrics,
    penalised,
    final,
    world,
    entries: world.ledger.size,
    milliseconds: performance.now() - started,
  };
}

/** Compromised patches among the patches honest devices applied, in percent. */
export function compromisedShare(metrics: Metrics): number {
  return metrics.applied === 0 ? 0 : (100 * metrics.compromised) / metrics.applied;
}
