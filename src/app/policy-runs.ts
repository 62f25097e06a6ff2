/**
 * One simulation run for the Policy screen, step by step with its state for the UI: trust
 * scores (in the reputation worker when the ledger is large), the draft compiled (CEL
 * loaded when it needs it), then every patch judged in slices (policy-simulate.ts). A newer
 * run, or leaving the screen, cancels this one quietly.
 */
import type { LedgerTrust } from '../core/agent/decide.ts';
import { utcTimestamp } from '../core/bundle/time.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { holdsRole } from '../core/policy/chain.ts';
import { compilePolicyAsync } from '../core/policy/evaluate.ts';
import type { PolicyDocument } from '../core/policy/types.ts';
import { defaultReputationParams } from '../core/reputation/params.ts';
import { evidenceClock, reputationClock, reputationInputs } from '../core/reputation/inputs.ts';
import type { OpenTeam } from './ledger-session.ts';
import type { Services } from './services.ts';
import { simulatePolicy, SimulationCancelled, type Simulation } from './policy-simulate.ts';
import type { PolicyStanding } from './policy-standing.ts';

export type SimulationState =
  | { kind: 'idle' }
  | { kind: 'running'; step: 'scores' | 'patches'; done: number; total: number }
  | {
      kind: 'done';
      result: Simulation;
      /** The hash of the draft it judged: the screen says when the draft has moved on. */
      hash: string;
      version: number;
      /** Milliseconds from start to finish, and where the trust scores were computed. */
      elapsedMs: number;
      scoresIn: 'worker' | 'main-thread';
    }
  | { kind: 'failed'; message: string };

export interface RunInput {
  team: OpenTeam;
  standing: PolicyStanding;
  valid: { document: PolicyDocument; hash: string };
  device: string | undefined;
  bundles: Pick<Services, 'computeTrustScores'>;
}

export interface RunOutput {
  set(state: SimulationState): void;
  cancelled(): boolean;
}

/** The role this device acts in, as the agent takes it: the one role its key holds. */
export function deviceRole(ledger: Ledger, did: string | undefined): string | undefined {
  const identity = did === undefined ? undefined : ledger.registry().identities.get(did);
  if (identity === undefined) return undefined;
  const held = Object.keys(identity.roles).filter((r) => holdsRole(identity, [r]) !== undefined);
  return held.length === 1 ? held[0] : undefined;
}

/**
 * The ledger's trust scores: from the team's worker-backed source (a large ledger's
 * `reputationInputs` held the page for a second), with the ledger's digest, else computed here
 * (and the digest read by the simulation).
 */
async function scoresOf(
  input: RunInput,
): Promise<Omit<LedgerTrust, 'digest'> & { digest?: string; engine: 'worker' | 'main-thread' }> {
  const { ledger } = input.team;
  const inWorker = await input.team.trust()(ledger);
  if (inWorker !== undefined) return { ...inWorker, engine: 'worker' };
  const params = defaultReputationParams(reputationClock(ledger));
  const scored = await input.bundles.computeTrustScores(reputationInputs(ledger, params), params);
  const { scores, scoreHash } = scored.result;
  return { scores, scoreHash, engine: scored.engine };
}

async function simulate(input: RunInput, output: RunOutput): Promise<SimulationState> {
  const started = performance.now();
  const { ledger } = input.team;
  output.set({ kind: 'running', step: 'scores', done: 0, total: 0 });
  const now = new Date();
  const scored = await scoresOf(input);
  if (output.cancelled()) throw new SimulationCancelled('a newer run replaced it');
  const draft = await compilePolicyAsync(input.valid.document);
  const result = await simulatePolicy(
    ledger,
    {
      draft,
      inForce: input.standing.effective.compiled,
      scores: scored.scores,
      scoreHash: scored.scoreHash,
      ...(scored.digest === undefined ? {} : { ledgerDigest: scored.digest }),
      now: utcTimestamp(now),
      newestLedgerTime: evidenceClock(ledger, input.device, now),
      actingRole: deviceRole(ledger, input.device),
    },
    {
      onProgress: (done, total) => output.set({ kind: 'running', step: 'patches', done, total }),
      cancelled: output.cancelled,
    },
  );
  return {
    kind: 'done',
    result,
    hash: input.valid.hash,
    version: input.valid.document.version,
    elapsedMs: performance.now() - started,
    scoresIn: scored.engine,
  };
}

export async function runSimulation(input: RunInput, output: RunOutput): Promise<void> {
  try {
    const state = await simulate(input, output);
    if (!output.cancelled()) output.set(state);
  } catch (error) {
    if (error instanceof SimulationCancelled || output.cancelled()) return;
    output.set({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
