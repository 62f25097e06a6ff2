/**
 * The verdict on one bundle for this device: the agent's check (verify → identities →
 * metadata → policy) against the team ledger and the policy in force on it, told as the
 * Patch detail shows it — outcome first, every rule with observed and expected, what is
 * missing and who could supply it, the codes for support — plus what this device has done
 * with the patch (applied, rolled back) from the ledger's audit trail. Loaded lazily with the
 * ledger code: the first screen never carries the agent or the policy engine.
 */
import { checkVerified } from '../core/agent/pipeline.ts';
import type { CheckResult, Decide, StepOutcome } from '../core/agent/types.ts';
import type { BundleReport } from '../core/bundle/types.ts';
import { policyDecider, type TrustSource } from '../core/agent/decide.ts';
import type { AttestBody } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { Identity } from '../core/ledger/registry.ts';
import { effectivePolicyAsync, type EffectivePolicy } from '../core/policy/effective.ts';
import type { PolicyDecision } from '../core/policy/types.ts';
import type { BundleCheck } from './check.ts';
import { ruleValueWords, type RuleValueWords } from './rule-words.ts';
import { signerRows, type SignerRow } from './signer-rows.ts';
import { lastDeviceAct } from './target-words.ts';
import {
  headlineOf,
  missingRows,
  type BundleVoices,
  type MissingRow,
  type VerdictState,
} from './verdict-words.ts';

export type { MissingRow, SignerRow, VerdictState };

export interface RuleRow {
  id: string;
  kind: string;
  outcome: 'pass' | 'fail' | 'warn';
  mode: 'enforce' | 'warn';
  message: string;
  /** JSON text of what was seen and what the rule expects, as the engine recorded them. */
  observed: string;
  expected: string;
  /** The same in words (names, roles, durations), for the kinds rule-words.ts knows. */
  words?: RuleValueWords;
}

/** What this device recorded about the patch: each apply, rollback and refusal, in order. */
export interface DeviceEvent {
  id: string;
  reason: AttestBody['reason'];
  target: string;
  time: string;
  treeBefore?: string;
  treeAfter?: string;
  code?: string;
}

/** 'applied' / 'rolled-back' from this device's newest apply or rollback of the patch. */
export type DeviceState = 'applied' | 'rolled-back' | undefined;

export interface PatchVerdict {
  state: VerdictState;
  headline: string;
  because: string[];
  rules: RuleRow[];
  missing: MissingRow[];
  warnings: string[];
  /** Codes for support: the step that stopped, POLICY_DENIED, a bundle's own code. */
  codes: string[];
  steps: StepOutcome[];
  decisionHash?: string;
  policy?: { version: number; name: string; hash: string; threshold: number };
  signers: SignerRow[];
  /** Whether this device's key is registered (and so can attest, apply and record). */
  deviceRegistered: boolean;
  /** This device registered on the team's ledger and was revoked there. */
  deviceRevoked: boolean;
  /** The roles this device holds with a stake above 0 (what role rules count). */
  deviceRoles: string[];
  events: DeviceEvent[];
  deviceState: DeviceState;
}

export interface JudgeInput {
  check: BundleCheck;
  /** The open team ledger and the policy in force on it; undefined when no team is open. */
  team?: { ledger: Ledger; policy: EffectivePolicy };
  deviceDid: string | undefined;
  now: Date;
  /** Where the trust scores come from (the open team's worker-backed source); else here. */
  trust?: TrustSource;
}

/** The policy in force (CEL loaded when a rule needs it): read once per ledger revision. */
export const policyInForce = (ledger: Ledger): Promise<EffectivePolicy> =>
  effectivePolicyAsync(ledger);

const json = (value: unknown) => JSON.stringify(value) ?? 'null';

function ruleRows(
  decision: PolicyDecision | undefined,
  identities: ReadonlyMap<string, Identity>,
): RuleRow[] {
  return (decision?.rules ?? []).map((r) => {
    const row: RuleRow = {
      ...{ id: r.id, kind: r.kind, outcome: r.outcome, mode: r.mode, message: r.message },
      ...{ observed: json(r.observed), expected: json(r.expected) },
    };
    const words = ruleValueWords(r, identities);
    if (words !== undefined) row.words = words;
    return row;
  });
}

/** What this device (its key) recorded about `patch` on any of its targets. */
export function deviceEvents(
  ledger: Ledger,
  patch: string,
  did: string | undefined,
): DeviceEvent[] {
  if (did === undefined) return [];
  return ledger
    .aboutPatch(patch)
    .filter((e) => e.author === did && e.kind === 'attest')
    .map((e) => {
      const b = e.body as AttestBody;
      const event: DeviceEvent = {
        id: e.id,
        reason: b.reason,
        target: b.target ?? '',
        time: e.time,
      };
      if (b.treeBefore !== undefined) event.treeBefore = b.treeBefore;
      if (b.treeAfter !== undefined) event.treeAfter = b.treeAfter;
      if (b.code !== undefined) event.code = b.code;
      return event;
    });
}

function deviceStateOf(events: readonly DeviceEvent[]): DeviceState {
  const last = lastDeviceAct(events);
  return last?.reason === 'applied' ? 'applied' : last === undefined ? undefined : 'rolled-back';
}

/**
 * Why a file is refused, in plain words, by the problem's code: the headline and one sentence.
 * The checker's own message (a parser's or the verifier's) stays below, with the code, for
 * support; it is never the headline and not said twice.
 */
const REFUSED: Record<string, [headline: string, because: string]> = {
  INVALID_SIGNATURE: [
    'Do not apply: the signature does not match this bundle',
    'It was changed after it was signed, or signed by a key other than the one it names. Nothing in it can be relied on.',
  ],
  INVALID_METADATA: [
    'Do not apply: this bundle’s signed contents are not valid',
    'The author signed it, but what it says about the patch is malformed or does not match the diff it carries.',
  ],
  INTERNAL_ERROR: [
    'Do not apply: this file could not be checked',
    'The check itself failed on this device (details below, for support). Try again, or check it on another device.',
  ],
  TOO_LARGE: [
    'Do not apply: this file is too large to be a patch bundle',
    'It is larger than this app accepts, so it was not read.',
  ],
};
const PLAIN_DIFF: [string, string] = [
  'Do not apply: this is a plain diff, not a signed patch bundle',
  'Nobody signed it, so nothing says who wrote it or that it is unchanged since. Ask its author for a signed bundle: patchtrail create makes one from this diff.',
];
const NOT_A_BUNDLE: [string, string] = [
  'Do not apply: this file is not a valid patch bundle',
  'It is not a signed patch bundle: it could not be read as one.',
];

/** A verdict for a file that is not a valid bundle, or with no team ledger to judge it by. */
function withoutLedger(check: BundleCheck): PatchVerdict {
  const invalid = check.verdict !== 'verified';
  const problem = check.problem;
  const [refusal, why] =
    (check.plainDiff !== undefined
      ? PLAIN_DIFF
      : problem !== undefined && Object.hasOwn(REFUSED, problem.code)
        ? REFUSED[problem.code]
        : undefined) ?? NOT_A_BUNDLE;
  return {
    state: invalid ? 'invalid' : 'no-team',
    headline: invalid ? refusal : 'Signed, but not by anyone this team trusts',
    because: invalid
      ? [why]
      : ['No team ledger is open on this device, so nobody’s signature can be trusted yet.'],
    rules: [],
    missing: [],
    warnings: [],
    codes: problem === undefined ? [] : [problem.code],
    steps: [],
    signers: signerRows(check.signatures, undefined),
    deviceRegistered: false,
    deviceRevoked: false,
    deviceRoles: [],
    events: [],
    deviceState: undefined,
  };
}

/** With no policy in force, the agent is still asked: it denies by default, with no hash. */
const noPolicy: Decide = () => ({
  decision: 'deny',
  hash: '',
  reasons: ['no policy is in force on this team'],
  explanation: undefined,
});

function registered(identities: ReadonlyMap<string, Identity>, did: string | undefined) {
  const identity = did === undefined ? undefined : identities.get(did);
  return identity !== undefined && identity.registered !== '' && identity.revokedFrom === undefined;
}

/** The bundle's author and the notes on its valid `fail` verdicts, which the verdict quotes. */
function voicesOf(report: BundleReport): BundleVoices {
  const failNotes = new Map<string, string>();
  for (const a of report.attestations)
    if (
      a.status === 'valid' &&
      a.verdict === 'fail' &&
      a.note !== undefined &&
      !failNotes.has(a.did)
    )
      failNotes.set(a.did, a.note);
  return { author: report.author.did, failNotes };
}

export async function judgePatch(input: JudgeInput): Promise<PatchVerdict> {
  const { check, team, now } = input;
  if (team === undefined || check.verdict !== 'verified') return withoutLedger(check);
  const { ledger, policy } = team;
  const identities = ledger.registry().identities;
  const deviceRegistered = registered(identities, input.deviceDid);
  const mine = input.deviceDid === undefined ? undefined : identities.get(input.deviceDid);
  const deviceRevoked = mine?.revokedFrom !== undefined;
  const deviceRoles = Object.entries(mine?.roles ?? {})
    .filter(([, held]) => held.stake > 0)
    .map(([role]) => role)
    .sort();
  const decide =
    policy.compiled === undefined
      ? noPolicy
      : policyDecider(policy.compiled, { now, ...(input.trust ? { trust: input.trust } : {}) });
  // The verify worker checked the signatures already: a large bundle is not verified twice
  // on the page's thread (an apply verifies the bytes again).
  const report = check.report;
  if (report === undefined) return withoutLedger(check);
  const result: CheckResult = await checkVerified(report, {
    ledger,
    decide,
    now,
    ...(deviceRegistered && input.deviceDid !== undefined ? { deviceDid: input.deviceDid } : {}),
  });
  const decision = result.decision?.explanation as PolicyDecision | undefined;
  const head = headlineOf(result, decision, identities, voicesOf(report));
  const patch = result.patch ?? `sha256:${report.payloadDigest}`;
  const events = deviceEvents(ledger, patch, input.deviceDid);
  const stop = result.steps.find((s) => !s.ok);
  const verdict: PatchVerdict = {
    ...head,
    rules: ruleRows(decision, identities),
    missing:
      policy.compiled === undefined || decision === undefined
        ? []
        : missingRows(policy.compiled.policy, decision, identities),
    warnings: result.decision?.warnings ?? [],
    codes: stop?.code === undefined ? [] : [stop.code],
    steps: result.steps,
    signers: signerRows(check.signatures, identities, result.attesters ?? []),
    deviceRegistered,
    deviceRevoked,
    deviceRoles,
    events,
    deviceState: deviceStateOf(events),
  };
  if (decision !== undefined) verdict.decisionHash = decision.hashes.decision;
  if (policy.compiled !== undefined && policy.current !== undefined)
    verdict.policy = {
      version: policy.current.version,
      name: policy.compiled.policy.name ?? '',
      hash: policy.current.hash,
      threshold: policy.threshold,
    };
  return verdict;
}
