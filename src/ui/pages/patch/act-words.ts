/**
 * What an action on a bundle is doing now, in words, for its progress line: the agent's step
 * under way (core's AGENT_STEPS), as the person at the screen would say it. The policy's step
 * reads the whole ledger (in a background worker when it is large), so it can be the long one.
 */
import type { AgentStep } from '../../../core/agent/types.ts';
import type { ActKind } from '../../../app/workflow.ts';

const VERBS: Record<ActKind, string> = {
  'dry-run': 'Checking',
  apply: 'Applying',
  rollback: 'Rolling back',
  attest: 'Recording',
};

const STEPS: Record<AgentStep, string> = {
  'verify-signature': 'checking the signatures',
  'extract-metadata': 'reading what the patch says about itself',
  'verify-identities': 'checking its author against the team',
  'verify-attesters': 'checking its reviewers against the team',
  'validate-metadata': 'checking what it says against its diff',
  policy: 'asking the policy (reading the team’s trust scores)',
  apply: 'changing the files',
  'post-apply-check': 'checking the files after the change',
  'roll-back': 'undoing the change: the check after it failed',
  record: 'recording it in the team’s ledger',
  audit: 'reading the target’s audit trail',
  'find-applied': 'finding the apply it undoes',
};

/** "Applying on workspace main: checking the signatures…" (the step once one has begun). */
export function actLine(kind: ActKind, target: string | undefined, step?: AgentStep): string {
  const where = target === undefined ? '' : ` on ${target}`;
  if (step === undefined) return `${VERBS[kind]}${where}…`;
  const doing =
    step === 'apply' && kind === 'dry-run'
      ? 'trying the change (nothing is written)'
      : step === 'apply' && kind === 'rollback'
        ? 'changing the files back'
        : STEPS[step];
  return `${VERBS[kind]}${where}: ${doing}…`;
}
