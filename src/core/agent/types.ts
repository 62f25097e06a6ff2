/**
 * The agent's vocabulary: its named steps, what each entry point needs (the types say it: a
 * check needs no tree and no signer, an apply needs both), and what each returns. Everything
 * here is plain data, so the browser app runs the same agent as the CLI.
 */
import type { BundleReport, Verdict } from '../bundle/types.ts';
import type { Signer } from '../crypto/signer.ts';
import type { ApplyResult } from '../diff/apply.ts';
import type { Tree } from '../diff/tree.ts';
import type { ErrorCode } from '../errors.ts';
import type { Entry } from '../ledger/entry.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { AuditEvent, Provenance } from '../ledger/queries.ts';
import type { PostApplyCheck, PostApplyFailure } from './post-apply.ts';
import type { SelfReport } from './self-report.ts';

/** The steps of a check, in order; an apply continues with APPLY_STEPS. */
export const CHECK_STEPS = [
  'verify-signature',
  'extract-metadata',
  'verify-identities',
  'verify-attesters',
  'validate-metadata',
  'policy',
] as const;
export const APPLY_STEPS = ['apply', 'record', 'audit'] as const;
/** A rollback: the bundle, then the `applied` it undoes on this target, then reverse. */
export const ROLLBACK_STEPS = [
  'verify-signature',
  'find-applied',
  'apply',
  'record',
  'audit',
] as const;
/**
 * With a post-apply check (`ApplyOptions.postApply`), an apply runs `post-apply-check` after
 * `apply`; when it fails, `roll-back` reverses the diff before `record` writes `applied` and
 * `rolled-back`.
 */
export const POST_APPLY_STEPS = ['post-apply-check', 'roll-back'] as const;
export const AGENT_STEPS = [
  ...CHECK_STEPS,
  ...APPLY_STEPS,
  ...POST_APPLY_STEPS,
  'find-applied',
] as const;
export type AgentStep = (typeof AGENT_STEPS)[number];

/** One step as it ran: passed with a message, or stopped the run with a code. */
export interface StepOutcome {
  step: AgentStep;
  ok: boolean;
  code?: ErrorCode;
  message: string;
}

/** An appended (in-bundle) attestation as the registry sees its signer. */
export interface AttesterReport {
  did: string;
  /** The registered name ('' when unknown). */
  name: string;
  verdict: Verdict;
  /** The role the bundle claims: shown, never trusted (roles come from the registry). */
  claimedRole: string;
  /**
   * registered: counts; unknown: not registered on this ledger; revoked, malicious: registered
   * but out of standing (a bundle signature has no ledger position, so any revocation cuts).
   */
  standing: 'registered' | 'unknown' | 'revoked' | 'malicious';
  /** Roles the registry says it holds (with stake). */
  roles: string[];
}

/** What the policy engine is asked about one patch. */
export interface DecisionRequest {
  patch: string;
  report: BundleReport;
  provenance: Provenance;
  ledger: Ledger;
  fuzz: number;
  /** In-bundle attestations by registered systems in standing (the only ones that count). */
  attesters: readonly AttesterReport[];
  /** The attestation this device received the patch through, when it knows it. */
  via?: string;
  /** The acting role, from the device key's registration (see `CheckOptions.role`). */
  actingRole?: string;
  /** The device deciding, when known: its own entries do not make its evidence fresh. */
  device?: string;
}

/** What it answers: allow or deny, with the hash that reproduces it and its explanation. */
export interface DecisionOutcome {
  decision: 'allow' | 'deny';
  /** sha256 of the full decision (policy, scores, ledger digest, each rule's outcome). */
  hash: string;
  /** One line per failing rule, or what is missing ("needs 1 more `reviewed` ..."). */
  reasons: string[];
  /** Rules that failed in `warn` mode, and systems that report scores far above their own. */
  warnings?: string[];
  /** Attestations in the patch's lineage whose self-reported score is far above the computed. */
  selfReports?: SelfReport[];
  /** The engine's whole result, passed through to callers (JSON). */
  explanation: unknown;
}

export type Decide = (request: DecisionRequest) => Promise<DecisionOutcome> | DecisionOutcome;

/** What a check needs: the ledger, the policy, the clock; no tree and no signer. */
export interface CheckOptions {
  ledger: Ledger;
  decide: Decide;
  /** The caller's clock, for metadata checks and the attestation's advisory time. */
  now: Date;
  /**
   * The attestation (of this patch, on the ledger, in standing) this device received the patch
   * through: the policy judges that hop and its ancestors, and the `applied` attestation names
   * it as parent, crediting that system.
   */
  via?: string;
  /** This device's key (did): its registration on the ledger gives the acting role. */
  deviceDid?: string;
  /** One of the roles the device's key holds, when it holds several (refused otherwise). */
  role?: string;
  fuzz?: number;
  /** Hears each step as it starts, for progress (the steps as they ran are in the result). */
  onStep?: (step: AgentStep) => void;
}

/** What an apply needs on top: the target and this device's signer. */
export interface ApplyOptions extends Omit<CheckOptions, 'deviceDid'> {
  /** This device: signs the `applied` attestation (or `rejected`, with the reason code). */
  device: Signer;
  tree: Tree;
  /** The target's name in the audit trail (default: the device's did). */
  target?: string;
  dryRun?: boolean;
  /**
   * The post-apply check (`(tree) => runPostApplyChecks(tree, policy)`, and whatever else the
   * device checks): run on the tree after an apply; a failure in `enforce` mode rolls it back.
   */
  postApply?: PostApplyCheck;
  /**
   * This device was applying this very bundle when it last stopped (its own record says so):
   * a target that already holds the patch while the ledger has no open `applied` of it here is
   * the interrupted apply, finished now (post-apply check, `applied` recorded; resume.ts).
   */
  resumed?: boolean;
}

export interface RollbackOptions {
  ledger: Ledger;
  device: Signer;
  tree: Tree;
  target?: string;
  now: Date;
  /**
   * This device was rolling back this very bundle on this target when it stopped: a reverse
   * that finds the change already gone is that rollback, finished now (resume.ts).
   */
  resumed?: boolean;
  /** Hears each step as it starts, for progress. */
  onStep?: (step: AgentStep) => void;
}

export interface CheckResult {
  status: 'allowed' | 'denied' | 'rejected';
  steps: StepOutcome[];
  patch?: string;
  attesters?: AttesterReport[];
  decision?: DecisionOutcome;
}

export interface ApplyRunResult extends Omit<CheckResult, 'status'> {
  /** `rolled-back`: applied, then reversed because the post-apply check failed. */
  status: 'denied' | 'rejected' | 'rolled-back' | ApplyResult['status'];
  apply?: ApplyResult;
  /** Every post-apply check that failed (`warn` ones too), when one ran. */
  postApply?: PostApplyFailure[];
  /** The reverse of `apply` after a failed post-apply check. */
  rollback?: ApplyResult;
  /**
   * What this device recorded last: `applied`; `rolled-back` (its parent the `applied`) after
   * a failed post-apply check; or `rejected` with the code of the failed step.
   */
  attestation?: Entry<'attest'>;
  audit?: AuditEvent[];
}

export interface RollbackResult {
  status: 'rolled-back' | 'rejected';
  steps: StepOutcome[];
  patch?: string;
  apply?: ApplyResult;
  attestation?: Entry<'attest'>;
  audit?: AuditEvent[];
}
