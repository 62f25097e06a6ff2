/**
 * Finishing an apply that was interrupted between changing the target and recording it (the
 * process was killed, the power went): the target is all-new (the tree's journal rolled the
 * commit forward) but the ledger has no `applied`. Only for the caller that knows it was
 * applying this very bundle when it stopped (`ApplyOptions.resumed`): the apply then counts as
 * done now, with the tree before it recomputed by reversing the diff without writing, so that
 * the post-apply check runs and `applied` is recorded as the interrupted run would have.
 * A rollback interrupted the same way is finished by `reverseOrResume` (rollback.ts).
 */
import type { PatchPredicate } from '../bundle/types.ts';
import type { ApplyResult } from '../diff/apply.ts';
import type { Tree } from '../diff/tree.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { applyChange } from './apply-steps.ts';
import { findApplied } from './rollback.ts';
import { passed, type StepValue } from './run.ts';

export async function applyOrResume(
  tree: Tree,
  predicate: PatchPredicate,
  options: { fuzz?: number; dryRun?: boolean; resumed?: boolean },
  ledger: Ledger,
  patch: string,
  target: string,
): Promise<StepValue<ApplyResult>> {
  const step = await applyChange(tree, predicate, options);
  if (!step.ok || step.value.status !== 'already-applied' || options.resumed !== true) return step;
  if (findApplied(ledger, patch, target).ok) return step;
  const before = await applyChange(tree, predicate, { reverse: true, dryRun: true });
  if (!before.ok) return step;
  const treeBefore = before.value.treeAfter;
  const resumed: ApplyResult = { ...step.value, status: 'applied', treeBefore };
  return passed(
    resumed,
    `already in by the interrupted apply, not recorded: finishing it (${treeBefore} -> ${resumed.treeAfter})`,
  );
}
