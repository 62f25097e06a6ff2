/**
 * What a person does with a patch, through the agent and with this device's key: attest in
 * one step (a ledger `attest` entry), dry-run, apply all or nothing (recording `applied` with
 * the tree hashes, or `rejected` with the code of the step that stopped it), and roll back
 * (recording `rolled-back`). The policy in force on the ledger decides; nothing here decides
 * for it, so a denied patch is refused here as well as by the screen. Loaded lazily.
 */
import { applyPatch, type AgentApplyOptions } from '../core/agent/agent.ts';
import { policyDecider, type TrustSource } from '../core/agent/decide.ts';
import {
  describePostApplyFailure,
  hasPostApplyChecks,
  runPostApplyChecks,
} from '../core/agent/post-apply.ts';
import { applyChange } from '../core/agent/apply-steps.ts';
import { verifySignature } from '../core/agent/check-steps.ts';
import { rollbackPatch } from '../core/agent/rollback.ts';
import type {
  AgentStep,
  ApplyRunResult,
  RollbackOptions,
  RollbackResult,
  StepOutcome,
} from '../core/agent/types.ts';
import { utcTimestamp } from '../core/bundle/time.ts';
import type { Signer } from '../core/crypto/signer.ts';
import type { Tree } from '../core/diff/tree.ts';
import { treeHash } from '../core/diff/tree-hash.ts';
import type { BundleReport, PatchPredicate } from '../core/bundle/types.ts';
import { isPatchtrailError } from '../core/errors.ts';
import type { AttestReason, PasskeyAssertion } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { EffectivePolicy } from '../core/policy/effective.ts';
import { lastEventOf, targetEvents } from './kiosk-ledger.ts';

/** The reasons a person attests from the Patch detail (the device records the others). */
export const ATTEST_CHOICES = ['reviewed', 'tested', 'analyzed', 'forwarded', 'rejected'] as const;
export type AttestChoice = (typeof ATTEST_CHOICES)[number] & AttestReason;

/** A place a patch is applied to: its name in the audit trail, and its files. */
export interface Target {
  name: string;
  tree: Tree;
}

export interface FileRow {
  path: string;
  kind: string;
  from?: string;
}

export interface HunkRow {
  path: string;
  hunk: number;
  line: number;
  offset: number;
  fuzz: number;
}

export type ActOutcome =
  | {
      ok: true;
      status: 'attested' | 'dry-run' | 'applied' | 'already-applied' | 'rolled-back';
      message: string;
      files: FileRow[];
      hunks: HunkRow[];
      treeBefore?: string;
      treeAfter?: string;
      /** The ledger entry recorded, if any. */
      entry?: string;
      /** The post-apply checks that failed, in words (status `rolled-back` when enforced). */
      postApply?: string[];
      steps: StepOutcome[];
    }
  | {
      ok: false;
      code: string;
      message: string;
      steps: StepOutcome[];
      /** The `rejected` entry the attempt left on the ledger, if one was recorded. */
      entry?: string;
    };

export interface ActContext {
  ledger: Ledger;
  signer: Signer;
  now: Date;
  /** Where the policy's trust scores come from (OpenTeam.trust); else computed here. */
  trust?: TrustSource;
  /** Hears each of the agent's steps as it starts (the action's progress). */
  onStep?: (step: AgentStep) => void;
}

function refused(code: string, message: string, steps: StepOutcome[] = []): ActOutcome {
  return { ok: false, code, message, steps };
}

/** Asks a passkey for an assertion over an entry's challenge (AppendOptions.passkey). */
export type Passkey = (challenge: Uint8Array) => Promise<PasskeyAssertion>;

export async function attestPatch(
  context: ActContext,
  patch: string,
  reason: AttestChoice,
  note: string,
  passkey?: Passkey,
): Promise<ActOutcome> {
  const body = note.trim() === '' ? { patch, reason } : { patch, reason, note: note.trim() };
  try {
    const entry = await context.ledger.append(
      context.signer,
      'attest',
      body,
      utcTimestamp(context.now),
      passkey === undefined ? {} : { passkey },
    );
    const backed = passkey === undefined ? '' : ', signed with your passkey too';
    const message = `recorded “${reason}” on the team ledger${backed}`;
    return {
      ok: true,
      status: 'attested',
      message,
      files: [],
      hunks: [],
      entry: entry.id,
      steps: [],
    };
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    return refused(error.code, error.message);
  }
}

function outcomeOf(result: ApplyRunResult | RollbackResult): ActOutcome {
  const stop = result.steps.find((s) => !s.ok);
  const entry = result.attestation?.id;
  const changed = result.status === 'applied' || result.status === 'rolled-back';
  if (stop !== undefined && !changed) {
    const out = refused(stop.code ?? 'FAILED', stop.message, result.steps);
    return entry === undefined ? out : { ...out, entry };
  }
  // The files changed but the ledger has no record of it: not done. The callers keep the work
  // remembered (unfinished.ts, the kiosk's memory) and record it when they settle it.
  const unrecorded = result.steps.find((s) => s.step === 'record' && !s.ok);
  if (unrecorded !== undefined && changed)
    return refused(
      unrecorded.code ?? 'FAILED',
      `the files changed, but the record could not be written to the ledger (${unrecorded.message}); it is recorded when this is settled`,
      result.steps,
    );
  const apply = result.apply;
  const status = result.status as Extract<ActOutcome, { ok: true }>['status'];
  const done: ActOutcome = {
    ok: true,
    status,
    message: result.steps.find((s) => s.step === 'apply')?.message ?? status,
    files: (apply?.files ?? []).map((f) => ({ ...f })),
    hunks: (apply?.hunks ?? []).map(({ path, hunk, line, offset, fuzz }) => ({
      ...{ path, hunk, line, offset, fuzz },
    })),
    steps: result.steps,
  };
  if (apply !== undefined)
    Object.assign(done, { treeBefore: apply.treeBefore, treeAfter: apply.treeAfter });
  if (entry !== undefined) done.entry = entry;
  if ('postApply' in result && result.postApply !== undefined)
    done.postApply = result.postApply.map(describePostApplyFailure);
  return done;
}

/**
 * Applies (or dry-runs) through the agent with the policy in force judging this target, and
 * the policy's post-apply check run after it (a failed enforced check rolls it back). With no
 * policy in force nothing is allowed (default deny), and the agent is not even asked.
 * `resumed`: this device was applying this very bundle when it stopped (see core's resume.ts).
 */
export async function applyToTarget(
  context: ActContext,
  bytes: Uint8Array,
  policy: EffectivePolicy,
  target: Target,
  dryRun: boolean,
  resumed = false,
): Promise<ActOutcome> {
  const compiled = policy.compiled;
  if (compiled === undefined)
    return refused('POLICY_DENIED', 'no policy is in force on this team: nothing can be applied');
  const options: AgentApplyOptions = {
    ledger: context.ledger,
    decide: policyDecider(compiled, {
      now: context.now,
      tree: target.tree,
      ...(context.trust === undefined ? {} : { trust: context.trust }),
    }),
    device: context.signer,
    tree: target.tree,
    target: target.name,
    now: context.now,
    dryRun,
    ...(resumed ? { resumed } : {}),
    ...(context.onStep === undefined ? {} : { onStep: context.onStep }),
    ...(hasPostApplyChecks(compiled)
      ? { postApply: (tree: Tree) => runPostApplyChecks(tree, compiled) }
      : {}),
  };
  return outcomeOf(await applyPatch(bytes, options));
}

/**
 * Reverses this target's newest `applied` of the patch, exactly, and records `rolled-back`.
 * `resumed`: this device was rolling back this very bundle here when it stopped.
 */
export async function rollbackOnTarget(
  context: ActContext,
  bytes: Uint8Array,
  target: Target,
  resumed = false,
): Promise<ActOutcome> {
  const { ledger, signer, now, onStep } = context;
  const options: RollbackOptions = {
    ...{ ledger, device: signer, tree: target.tree, target: target.name, now },
    ...(resumed ? { resumed } : {}),
    ...(onStep === undefined ? {} : { onStep }),
  };
  return outcomeOf(await rollbackPatch(bytes, options));
}

/** The note on an `applied` recorded as the target's files stand after an interrupted apply. */
export const INTERRUPTED_APPLY_NOTE =
  'finished after an interrupted apply (the target’s journal rolled it forward)';
export const INTERRUPTED_ROLLBACK_NOTE =
  'finished after an interrupted rollback (the target’s journal rolled it forward)';

/**
 * The target's tree hash with the change out (`reverse`) or in, looked at without writing (a
 * journal left by an interrupted commit is read as recovery would finish it), and whether the
 * change was already so; undefined when the diff neither applies nor is already there.
 */
async function probe(
  tree: Tree,
  predicate: PatchPredicate,
  reverse: boolean,
): Promise<{ already: boolean; tree: string } | undefined> {
  try {
    const step = await applyChange(tree, predicate, { dryRun: true, reverse });
    if (!step.ok) return undefined;
    const already = step.value.status === (reverse ? 'already-reversed' : 'already-applied');
    return { already, tree: step.value.treeAfter };
  } catch (error) {
    if (isPatchtrailError(error)) return undefined;
    throw error;
  }
}

/**
 * Records `applied` for an apply that an interruption left in the target's files, when the
 * agent will no longer take it (the policy moved on, the bundle's author was revoked since):
 * the ledger must not miss a change to the target, so it says what happened, with a note.
 */
async function recordInterruptedApply(
  context: ActContext,
  report: BundleReport,
  target: Target,
): Promise<string | undefined> {
  const before = await probe(target.tree, report.predicate, true);
  if (before === undefined) return undefined;
  const body = {
    ...{ patch: `sha256:${report.payloadDigest}`, reason: 'applied' as const },
    ...{ target: target.name, treeBefore: before.tree, treeAfter: await treeHash(target.tree) },
    note: INTERRUPTED_APPLY_NOTE,
  };
  const at = utcTimestamp(context.now);
  return (await context.ledger.append(context.signer, 'attest', body, at)).id;
}

/** How an interrupted apply or rollback came out, once looked at again (`finishInterrupted`). */
export type Finished =
  /** The ledger already records it: the tab stopped after recording. */
  | { state: 'recorded' }
  /** It stopped before the target's files changed: nothing to record. */
  | { state: 'nothing-changed' }
  /** The files are neither as before nor as after (changed otherwise since), or the bundle is bad. */
  | { state: 'unclear' }
  /** The files had changed: recorded now (`outcome`, or an entry with a note). */
  | { state: 'finished'; outcome: ActOutcome };

/**
 * Finishes an apply or rollback of this bundle on this target that this device started and
 * did not see to the end: the target's journal settles the files (all-old or all-new), and
 * when they changed, the agent records what the interrupted run would have (`resumed`), or,
 * for an apply the policy would no longer allow, `applied` as it stands with a note.
 */
export async function finishInterrupted(
  context: ActContext,
  bytes: Uint8Array,
  policy: EffectivePolicy,
  target: Target,
  kind: 'apply' | 'rollback',
): Promise<Finished> {
  const verified = await verifySignature(bytes);
  if (!verified.ok) return { state: 'unclear' };
  const report = verified.value;
  const last = lastEventOf(
    targetEvents(context.ledger, target.name),
    `sha256:${report.payloadDigest}`,
  );
  if (last?.reason === (kind === 'apply' ? 'applied' : 'rolled-back')) return { state: 'recorded' };
  await target.tree.recover();
  const landed = await probe(target.tree, report.predicate, kind === 'rollback');
  if (landed === undefined) return { state: 'unclear' };
  if (!landed.already) return { state: 'nothing-changed' };
  if (kind === 'rollback')
    return { state: 'finished', outcome: await rollbackOnTarget(context, bytes, target, true) };
  const outcome = await applyToTarget(context, bytes, policy, target, false, true);
  if (outcome.ok && outcome.status !== 'already-applied') return { state: 'finished', outcome };
  const entry = await recordInterruptedApply(context, report, target);
  if (entry === undefined) return { state: 'finished', outcome };
  const message = 'recorded as it stands, with a note: the policy in force would not take it now';
  return {
    state: 'finished',
    outcome: { ok: true, status: 'applied', message, files: [], hunks: [], entry, steps: [] },
  };
}
