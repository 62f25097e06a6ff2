/**
 * The policy document, the plain-data context one evaluation reads, and the decision it returns.
 * `policy.schema.json` is the document's normative definition; these types mirror it.
 */
import type { Json } from '../encoding/canonical-json.ts';
import type { AttestReason } from '../ledger/kinds.ts';
import type { Provenance } from '../ledger/queries.ts';
import type { Identity } from '../ledger/registry.ts';

export const POLICY_FORMAT = 'urn:patchtrail:policy:v1';

export const RULE_KINDS = [
  'min-reputation',
  'max-chain-length',
  'attestations',
  'authors',
  'patch-reason',
  'components',
  'acting-role',
  'target-tree',
  'component-version',
  'no-malicious',
  'not-flagged',
  'freshness',
  'fuzz',
  'verdicts',
  'cel',
  'post-apply',
  'admin-passkey',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type RuleMode = 'enforce' | 'warn';

/** Named systems (did:key) and/or holders of roles (an endorsed role with stake above 0). */
export interface Principals {
  systems?: string[];
  roles?: string[];
}

interface RuleBase<K extends RuleKind> {
  id: string;
  kind: K;
  mode: RuleMode;
  description?: string;
}

export interface MinReputationRule extends RuleBase<'min-reputation'> {
  /** Parts per billion. */
  min: number;
}
export interface MaxChainLengthRule extends RuleBase<'max-chain-length'> {
  max: number;
}
export interface AttestationsRule extends RuleBase<'attestations'> {
  reason: AttestReason;
  count: number;
  from: Principals;
  /** Count only ledger attestations that carry a verified passkey assertion (passkeys.ts). */
  passkey?: boolean;
}
export interface AuthorsRule extends RuleBase<'authors'> {
  allow: Principals;
}
export interface PatchReasonRule extends RuleBase<'patch-reason'> {
  pattern?: string;
  allowed?: string[];
}
export interface ComponentsRule extends RuleBase<'components'> {
  allow?: string[];
  deny?: string[];
}
export interface ActingRoleRule extends RuleBase<'acting-role'> {
  roles: string[];
}
export interface TargetTreeRule extends RuleBase<'target-tree'> {
  treeHashes: string[];
}
export interface ComponentVersionRule extends RuleBase<'component-version'> {
  component: string;
  constraint: string;
}
export type NoMaliciousRule = RuleBase<'no-malicious'>;
export interface NotFlaggedRule extends RuleBase<'not-flagged'> {
  by?: Principals;
}
export interface FreshnessRule extends RuleBase<'freshness'> {
  maxAgeSeconds: number;
}
export interface FuzzRule extends RuleBase<'fuzz'> {
  allowed: boolean;
  max?: number;
}

/**
 * `fail` verdicts in the bundle's appended attestations, by registered systems in standing
 * (`from`, when given, narrows whose count): at most `max` (default 0) distinct systems. A
 * policy without a `verdicts` rule gets one that denies on any such `fail` (evaluate.ts).
 */
export interface VerdictsRule extends RuleBase<'verdicts'> {
  from?: Principals;
  max?: number;
}

/** A CEL expression over the activation (cel-activation.ts); passes when it is true. */
export interface CelRule extends RuleBase<'cel'> {
  expression: string;
  /** Why it fails, in the admin's words (when the expression is false). */
  message?: string;
}

/** One file a `post-apply` rule looks at once the diff is applied (agent/post-apply.ts). */
export interface PostApplyFileCheck {
  /** Target-relative, '/'-separated (path safety as for a diff). */
  path: string;
  /** Lower-case hex SHA-256 the file's bytes must have. */
  sha256?: string;
  /** Text the file (read as UTF-8) must contain. */
  contains?: string;
  /** The file must not exist (then neither `sha256` nor `contains`). */
  absent?: true;
}

/**
 * Checked after an apply, not before: each named file must be a regular file (or absent, with
 * `absent`), with the digest and the text given. A failure in `enforce` mode rolls the apply
 * back; evaluation says "checked after apply" and never denies on it.
 */
export interface PostApplyRule extends RuleBase<'post-apply'> {
  checks: PostApplyFileCheck[];
}

/** Admin actions an `admin-passkey` rule can require a passkey for (the ledger kinds). */
export const ADMIN_ACTIONS = ['policy', 'flag'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/**
 * Admin actions of these kinds count only when their entry carries a passkey assertion that
 * verifies against a passkey its author bound (ledger/passkeys.ts). `policy`: while this
 * policy is in force, a policy entry for a higher version counts towards the admin threshold
 * only with one (effective.ts). `flag`: a compromise flag without one does not count in this
 * policy's decisions (`not-flagged`). The rule's own outcome names what did not count.
 */
export interface AdminPasskeyRule extends RuleBase<'admin-passkey'> {
  actions: AdminAction[];
}

export type PolicyRule =
  | MinReputationRule
  | MaxChainLengthRule
  | AttestationsRule
  | AuthorsRule
  | PatchReasonRule
  | ComponentsRule
  | ActingRoleRule
  | TargetTreeRule
  | ComponentVersionRule
  | NoMaliciousRule
  | NotFlaggedRule
  | FreshnessRule
  | FuzzRule
  | VerdictsRule
  | CelRule
  | PostApplyRule
  | AdminPasskeyRule;

export type RuleOf<K extends RuleKind> = Extract<PolicyRule, { kind: K }>;

export interface PolicyDocument {
  format: typeof POLICY_FORMAT;
  version: number;
  name?: string;
  description?: string;
  /** `warn` reports every rule without enforcing any; default `enforce`. */
  mode?: RuleMode;
  rules: PolicyRule[];
}

/**
 * An attestation appended to the bundle: who signed it (verified) and its verdict. The role
 * the bundle claims is left out on purpose: roles come from the registry.
 */
export interface BundleAttestation {
  did: string;
  verdict: 'pass' | 'fail';
}

/** Everything one evaluation reads: plain data, gathered by the caller. */
export interface PolicyContext {
  /** The bundle's payload digest ("sha256:…"). */
  patch: string;
  /** From the verified bundle: creator_identity, reason_for_patch, affected_components. */
  metadata: { creator: string; reason: string; components: readonly string[] };
  /** `provenance(ledger, patch)`. */
  provenance: Provenance;
  /**
   * The attestation this device received the patch through: the chain is then that hop and its
   * ancestors. Absent: every hop that vouches for the content (built, reviewed, tested,
   * analyzed) and its ancestors; `forwarded` and other devices' outcomes are path-specific.
   */
  via?: string | undefined;
  /**
   * The bundle's appended attestations (valid, each key once, not the author's own). Only those
   * by registered systems in standing count: a `pass` as a `reviewed` attestation, a `fail`
   * under the `verdicts` rule.
   */
  bundleAttestations?: readonly BundleAttestation[] | undefined;
  /**
   * Entry ids whose passkey assertion verifies (`passkeyBacked` in ledger/passkeys.ts, which is
   * asynchronous, so the caller computes it). Absent: no entry counts as passkey-backed.
   */
  passkeyBacked?: ReadonlySet<string> | undefined;
  /** `ledger.registry().identities`. */
  identities: ReadonlyMap<string, Identity>;
  /** Reputation per system, parts per billion, computed beforehand. */
  scores: ReadonlyMap<string, number>;
  /** The hash that names those scores (and the parameters that made them). */
  scoreHash: string;
  /** `ledger.digest()`. */
  ledgerDigest: string;
  /** The caller's clock, ISO 8601 UTC. */
  now: string;
  /** Advisory time of the newest entry the caller trusts (see README: freshness). */
  newestLedgerTime?: string | undefined;
  /** The target as it is now. */
  system: { treeHash: string; components: Readonly<Record<string, string>> };
  /** The role of the user acting on this device, if any. */
  actingRole?: string | undefined;
  /** Fuzz requested for the apply (0: none). */
  fuzz: number;
  /**
   * Where the chain, flags and identities come from: the verified ledger (default), or a proof
   * pack alone, which cannot show that negative evidence is absent (pack-only.ts).
   */
  evidence?: 'ledger' | 'proof-pack' | undefined;
}

export type RuleResult = 'pass' | 'fail' | 'warn';

/** One rule's outcome. */
export interface RuleOutcome {
  /** Entry ids the outcome rests on. */
  evidence: string[];
  expected: Json;
  id: string;
  kind: RuleKind;
  message: string;
  /** The rule's mode as applied (a policy in `warn` mode makes every rule `warn`). */
  mode: RuleMode;
  observed: Json;
  outcome: RuleResult;
  /** Systems (did:key) the outcome rests on. */
  signers: string[];
}

/** The inputs that are not already named by a hash. */
export interface DecisionInputs {
  actingRole: string | null;
  fuzz: number;
  newestLedgerTime: string | null;
  now: string;
  patch: string;
  treeHash: string;
  via: string | null;
}

export interface DecisionHashes {
  /** sha256 of the decision record's RFC 8785 canonical JSON (evaluate.ts, `decisionRecord`). */
  decision: string;
  /** `ledger.digest()` of the ledger the provenance and identities came from. */
  ledger: string;
  /** sha256 of the policy's RFC 8785 canonical JSON. */
  policy: string;
  scores: string;
}

export interface PolicyDecision {
  decision: 'allow' | 'deny';
  hashes: DecisionHashes;
  inputs: DecisionInputs;
  /** What would turn a deny into an allow ("needs 1 more `reviewed` attestation …"). */
  missing: string[];
  mode: RuleMode;
  /** Why it was denied: each failing enforced rule's message, or default deny. */
  reasons: string[];
  rules: RuleOutcome[];
  version: number;
}

/** What the decision hash covers: the result less prose and what the policy hash fixes. */
export interface DecisionRecord {
  decision: PolicyDecision['decision'];
  hashes: Omit<DecisionHashes, 'decision'>;
  inputs: DecisionInputs;
  mode: RuleMode;
  rules: Pick<RuleOutcome, 'id' | 'observed' | 'outcome'>[];
  version: number;
}

/** A decision before its hash is computed (`CompiledPolicy.decide`, then `sealDecision`). */
export type UnsealedDecision = Omit<PolicyDecision, 'hashes'> & {
  hashes: Omit<DecisionHashes, 'decision'>;
};
