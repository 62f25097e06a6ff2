/**
 * Rolling back an applied patch through the agent:
 *
 *   verify-signature → find-applied → apply (reverse, exact) → record → audit
 *
 * A rollback is the remedy for a bad patch, so it does not ask whether the patch's author is
 * still trusted (a revoked or malicious author is exactly when it is needed): it needs an
 * intact bundle and the ledger's word that this target applied it and has not rolled it back.
 * It records `rolled-back` naming that `applied` attestation as parent, with the tree hashes.
 */
import type { Entry } from '../ledger/entry.ts';
import type { AttestBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { PatchPredicate } from '../bundle/types.ts';
import type { ApplyResult } from '../diff/apply.ts';
import type { Tree } from '../diff/tree.ts';
import { applyChange, auditOf, recordAttestation } from './apply-steps.ts';
import { verifySignature } from './check-steps.ts';
import { Halt, passed, StepLog, stopped, type StepValue } from './run.ts';
import type { RollbackOptions, RollbackResult } from './types.ts';

/** The newest `applied` of `patch` on `target` that no `rolled-back` there names as parent. */
export function findApplied(
  ledger: Ledger,
  patch: string,
  target: string,
): StepValue<Entry<'attest'>> {
  const events = ledger
    .aboutTarget(target)
    .filter((e) => (e.body as AttestBody).patch === patch) as Entry<'attest'>[];
  const undone = new Set(
    events.filter((e) => e.body.reason === 'rolled-back').map((e) => e.body.parent),
  );
  const open = events.filter((e) => e.body.reason === 'applied' && !undone.has(e.id));
  const applied = open.at(-1);
  if (applied === undefined) {
    const what = events.some((e) => e.body.reason === 'applied')
      ? 'every `applied` of it there is already rolled back'
      : 'the ledger records no `applied` of it there';
    return stopped('INVALID_METADATA', `nothing to roll back on ${target}: ${what}`);
  }
  return passed(applied, `applied on ${target} by ${applied.author} in ${applied.id}`);
}

/**
 * The reverse of a rollback: `resumed` when this device was rolling back this very bundle on
 * this target when it stopped (the process was killed after the target's journal committed,
 * before `rolled-back` was recorded). A reverse that finds the change already gone then counts
 * as that rollback, done now: `rolled-back` records the tree it started from (recomputed by
 * applying the diff without writing), not the tree it found on its second try.
 */
export async function reverseOrResume(
  tree: Tree,
  predicate: PatchPredicate,
  resumed: boolean,
): Promise<StepValue<ApplyResult>> {
  const step = await applyChange(tree, predicate, { reverse: true });
  if (!step.ok || step.value.status !== 'already-reversed' || !resumed) return step;
  const before = await applyChange(tree, predicate, { dryRun: true });
  if (!before.ok) return step;
  const treeBefore = before.value.treeAfter;
  const resumedStep: ApplyResult = { ...step.value, status: 'reversed', treeBefore };
  return passed(
    resumedStep,
    `already undone by the interrupted rollback, not recorded: finishing it (${treeBefore} -> ${resumedStep.treeAfter})`,
  );
}

export async function rollbackPatch(
  bytes: Uint8Array,
  options: RollbackOptions,
): Promise<RollbackResult> {
  const { ledger, device, tree, now } = options;
  const target = options.target ?? device.did;
  const log = new StepLog(options.onStep);
  const result: RollbackResult = { status: 'rejected', steps: log.steps };
  try {
    const report = await log.run('verify-signature', () => verifySignature(bytes));
    const patch = `sha256:${report.payloadDigest}`;
    result.patch = patch;
    const applied = await log.run('find-applied', () => findApplied(ledger, patch, target));
    const reversed = await log.run('apply', () =>
      reverseOrResume(tree, report.predicate, options.resumed === true),
    );
    result.apply = reversed;
    // The files are as before the apply from here on, recorded or not (as an apply's status is
    // `applied` once its files changed): a record that fails says the change went unrecorded.
    if (reversed.status === 'reversed') result.status = 'rolled-back';
    const body: AttestBody = {
      ...{ patch, reason: 'rolled-back', target, parent: applied.id },
      ...{ treeBefore: reversed.treeBefore, treeAfter: reversed.treeAfter },
    };
    result.attestation = await log.run('record', () =>
      recordAttestation(ledger, device, body, now),
    );
    result.status = 'rolled-back';
    result.audit = await log.run('audit', () => auditOf(ledger, target));
  } catch (error) {
    if (!(error instanceof Halt)) throw error;
  }
  return result;
}
