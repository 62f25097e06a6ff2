/**
 * The agent's public surface: `checkPatch` (every step up to the policy), `applyPatch` (the
 * same, then apply → record → audit, with the policy's post-apply check when given) and
 * `rollbackPatch`, with the types that say what each needs. The steps themselves are in check-steps.ts and apply-steps.ts.
 */
export { applyPatch, checkPatch, checkVerified } from './pipeline.ts';
export { findApplied, rollbackPatch } from './rollback.ts';
export {
  describePostApplyFailure,
  hasPostApplyChecks,
  runPostApplyChecks,
  type PostApplyCheck,
  type PostApplyFailure,
} from './post-apply.ts';
export {
  AGENT_STEPS,
  APPLY_STEPS,
  CHECK_STEPS,
  POST_APPLY_STEPS,
  ROLLBACK_STEPS,
  type AgentStep,
  type ApplyOptions as AgentApplyOptions,
  type ApplyRunResult,
  type AttesterReport,
  type CheckOptions,
  type CheckResult,
  type Decide,
  type DecisionOutcome,
  type DecisionRequest,
  type RollbackOptions,
  type RollbackResult,
  type StepOutcome,
} from './types.ts';
