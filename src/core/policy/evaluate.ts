/**
 * Policy evaluation: compile once, evaluate many times. `compilePolicy` checks the document
 * (untrusted), hashes it and turns each rule into a checker with its regular expressions,
 * globs, sets and `expected` values built up front; `evaluate` runs the checkers over one
 * plain-data context and returns the decision with every rule's outcome and the hashes that
 * reproduce it.
 *
 * Combination: default deny. A policy with no rules denies; any failing rule in `enforce` mode
 * denies; `warn` rules are reported and never deny; a policy in `warn` mode makes every rule
 * `warn` (a dry run), so it allows anything once it has at least one rule. A policy without a
 * `verdicts` rule is evaluated with IMPLICIT_VERDICTS (rules-bundle.ts): a `fail` verdict in
 * the bundle from a registered system in standing denies unless a rule says otherwise.
 *
 * The decision hash is SHA-256 over the RFC 8785 canonical JSON of the decision record
 * (`decisionRecord`): the decision, mode, policy version, the policy/scores/ledger hashes, the
 * inputs no hash names, and per rule its id, outcome and observed value. The rest of a result
 * is derived from those and from what the hashes name: expected values, kinds and modes come
 * from the policy; evidence and signers from the ledger and the scores; messages, `missing` and
 * `reasons` are prose. So a published explanation can be checked against an attested hash
 * (`decisionHash`), re-running the evaluation on the named inputs reproduces it, and a change
 * of wording in a later release does not change the hash of the same decision. Why not hash
 * the whole result: SHA-256 in JavaScript is most of a decision's cost, and the record is a
 * third of the bytes (tests/bench/policy.bench.ts).
 *
 * `cel` rules need the CEL engine, which loads on demand (cel-load.ts) so that a policy
 * without them never pays for the library: `compilePolicyAsync` loads it when the document
 * has a `cel` rule; `compilePolicy` takes it as `{ cel }` and, without it, refuses a `cel`
 * rule with MALFORMED_INPUT saying so.
 */
import { sha256Sync } from '../crypto/hash.ts';
import { toHex, utf8Encode } from '../encoding/bytes.ts';
import { reject } from '../errors.ts';
import type { CelEngine } from './cel-api.ts';
import { loadCelEngine, usesCel } from './cel-load.ts';
import { canonicalHash, readPolicy } from './document.ts';
import { deepFreeze, Scope, type RuleCheck, type RuleCompiler } from './rule-kit.ts';
import { adminPasskey, passkeyActions } from './rules-admin.ts';
import { celRule } from './rules-cel.ts';
import {
  attestations,
  maxChainLength,
  minReputation,
  noMalicious,
  notFlagged,
} from './rules-chain.ts';
import {
  actingRole,
  componentVersion,
  freshness,
  fuzz,
  postApply,
  targetTree,
} from './rules-device.ts';
import { IMPLICIT_VERDICTS, verdicts } from './rules-bundle.ts';
import { PACK_UNMET, packOnly } from './pack-only.ts';
import { authors, components, patchReason } from './rules-patch.ts';
import type {
  AdminAction,
  DecisionRecord,
  UnsealedDecision,
  PolicyContext,
  PolicyDecision,
  PolicyDocument,
  PolicyRule,
  RuleKind,
  RuleMode,
  RuleOutcome,
} from './types.ts';

type PlainKind = Exclude<RuleKind, 'cel'>;

const COMPILERS: { [K in PlainKind]: RuleCompiler<K> } = {
  'min-reputation': minReputation,
  'max-chain-length': maxChainLength,
  attestations,
  authors,
  'patch-reason': patchReason,
  components,
  'acting-role': actingRole,
  'target-tree': targetTree,
  'component-version': componentVersion,
  'no-malicious': noMalicious,
  'not-flagged': notFlagged,
  freshness,
  fuzz,
  verdicts,
  'post-apply': postApply,
  'admin-passkey': adminPasskey,
};

/** What compiling needs besides the document. */
export interface CompileOptions {
  /** The CEL engine (`await loadCelEngine()`), needed by `cel` rules. */
  cel?: CelEngine | undefined;
}

/** The message that tells a caller of the synchronous path what to do instead. */
export function celEngineRequired(id: string): never {
  return reject(
    'MALFORMED_INPUT',
    `rule ${id} is a cel rule and the CEL engine loads on demand: use compilePolicyAsync or ` +
      'effectivePolicyAsync, or pass { cel: await loadCelEngine() }',
  );
}

function compileRule(rule: PolicyRule, mode: RuleMode, options: CompileOptions): RuleCheck {
  if (rule.kind !== 'cel')
    return (COMPILERS[rule.kind] as RuleCompiler<PlainKind>)(rule as never, mode);
  if (options.cel === undefined) return celEngineRequired(rule.id);
  const compiled = options.cel.compile(rule.expression);
  if ('problems' in compiled)
    reject(
      'MALFORMED_INPUT',
      `rule ${rule.id}: the expression ${compiled.problems[0] ?? 'does not compile'}`,
      compiled.problems.map((p) => `rule ${rule.id}: ${p}`),
    );
  return celRule(rule, mode, compiled.program);
}

/** A checked, hashed policy with its rules compiled; evaluate it as often as needed. */
export class CompiledPolicy {
  /** The policy's own copy, frozen. */
  readonly policy: Readonly<PolicyDocument>;
  /** sha256 of its RFC 8785 canonical JSON. */
  readonly hash: string;
  readonly mode: RuleMode;
  /** Admin actions that count only with a verified passkey assertion (`admin-passkey`). */
  readonly passkeyFor: ReadonlySet<AdminAction>;
  private readonly checks: readonly RuleCheck[];

  /** Use `compilePolicy`; `policy` must have passed `readPolicy`. */
  constructor(policy: PolicyDocument, options: CompileOptions = {}) {
    this.policy = deepFreeze(policy);
    this.hash = canonicalHash(policy);
    this.mode = policy.mode ?? 'enforce';
    this.passkeyFor = passkeyActions(this.policy);
    // "A fail from a registered reviewer denies unless a rule says otherwise."
    const rules = policy.rules.some((r) => r.kind === 'verdicts')
      ? policy.rules
      : [...policy.rules, IMPLICIT_VERDICTS];
    this.checks = rules.map((r) => compileRule(r, this.mode === 'warn' ? 'warn' : r.mode, options));
  }

  /**
   * The decision and every rule's outcome, without the decision hash: for showing many
   * verdicts at once. `sealDecision` adds the hash; `evaluate` does both.
   */
  decide(context: PolicyContext): UnsealedDecision {
    if (Number.isNaN(Date.parse(context.now)))
      throw new RangeError(`evaluatePolicy: context.now is not a time: ${context.now}`);
    const scope = new Scope(context, this.passkeyFor);
    const missing: string[] = [];
    const reasons: string[] = [];
    const rules: RuleOutcome[] = [];
    if (this.policy.rules.length === 0) reasons.push('default deny: the policy has no rules');
    const fromPack = context.evidence === 'proof-pack';
    for (const check of this.checks) {
      const judged = check(scope, missing);
      const outcome = fromPack ? packOnly(judged) : judged;
      if (outcome !== judged && outcome.outcome === 'fail')
        missing.push(`${outcome.id} needs the ledger: ${PACK_UNMET[outcome.kind] ?? ''}`);
      rules.push(outcome);
      if (outcome.outcome === 'fail') reasons.push(`${outcome.id}: ${outcome.message}`);
    }
    return {
      decision: reasons.length === 0 ? 'allow' : 'deny',
      hashes: { ledger: context.ledgerDigest, policy: this.hash, scores: context.scoreHash },
      inputs: {
        actingRole: context.actingRole ?? null,
        fuzz: context.fuzz,
        newestLedgerTime: context.newestLedgerTime ?? null,
        now: context.now,
        patch: context.patch,
        treeHash: context.system.treeHash,
        via: context.via ?? null,
      },
      missing,
      mode: this.mode,
      reasons,
      rules,
      version: this.policy.version,
    };
  }

  /** The decision with its hash: what the agent records and an auditor checks. */
  evaluate(context: PolicyContext): PolicyDecision {
    return sealDecision(this.decide(context));
  }
}

/** Adds the decision hash (SHA-256 of the decision record, see the module comment). */
export function sealDecision(unsealed: UnsealedDecision): PolicyDecision {
  const { ledger, policy, scores } = unsealed.hashes;
  const decision = hashJsonText(recordJson(unsealed));
  return { ...unsealed, hashes: { decision, ledger, policy, scores } };
}

const quote = JSON.stringify as (value: string) => string;

/**
 * `JSON.stringify(decisionRecord(d))` written out member by member, which is twice as fast and
 * the same bytes; those are RFC 8785 canonical because members are written in sorted order and
 * every value is a string, an integer, a bool, null, an array of strings, or an object with one
 * string member (a `cel` rule's `error`, a pack-only check's `unproven`) (the tests compare it
 * with the canonical serializer). Rule ids, the policy hash and the enums are written unquoted-safe:
 * their schema patterns admit no character JSON escapes.
 */
function recordJson(d: UnsealedDecision): string {
  const { hashes, inputs } = d;
  let text =
    `{"decision":"${d.decision}","hashes":{"ledger":${quote(hashes.ledger)},"policy":"${hashes.policy}",` +
    `"scores":${quote(hashes.scores)}},"inputs":{"actingRole":${inputs.actingRole === null ? 'null' : quote(inputs.actingRole)},` +
    `"fuzz":${JSON.stringify(inputs.fuzz)},"newestLedgerTime":${inputs.newestLedgerTime === null ? 'null' : quote(inputs.newestLedgerTime)},` +
    `"now":${quote(inputs.now)},"patch":${quote(inputs.patch)},"treeHash":${quote(inputs.treeHash)},` +
    `"via":${inputs.via === null ? 'null' : quote(inputs.via)}},"mode":"${d.mode}","rules":[`;
  for (let i = 0; i < d.rules.length; i++) {
    const r = d.rules[i] as RuleOutcome;
    text += `${i === 0 ? '' : ','}{"id":"${r.id}","observed":${JSON.stringify(r.observed)},"outcome":"${r.outcome}"}`;
  }
  return `${text}],"version":${d.version}}`;
}

function hashJsonText(text: string): string {
  return `sha256:${toHex(sha256Sync(utf8Encode(text)))}`;
}

/**
 * Checks an untrusted policy document (MALFORMED_INPUT listing every problem, CEL expressions'
 * included) and compiles it. A `cel` rule needs `options.cel`.
 */
export function compilePolicy(document: unknown, options: CompileOptions = {}): CompiledPolicy {
  return new CompiledPolicy(readPolicy(document, options.cel), options);
}

/** `compilePolicy`, loading the CEL engine first when the document has a `cel` rule. */
export async function compilePolicyAsync(document: unknown): Promise<CompiledPolicy> {
  return compilePolicy(document, usesCel(document) ? { cel: await loadCelEngine() } : {});
}

/**
 * Evaluates a policy over one context. A document is checked and compiled on every call: hot
 * paths compile once with `compilePolicy` and pass the result. Throws RangeError when
 * `context.now` is not a time (a caller's bug).
 */
export function evaluatePolicy(
  policy: CompiledPolicy | PolicyDocument,
  context: PolicyContext,
): PolicyDecision {
  const compiled = policy instanceof CompiledPolicy ? policy : compilePolicy(policy);
  return compiled.evaluate(context);
}

/** What the decision hash covers (see the module comment), members in RFC 8785 order. */
export function decisionRecord(result: PolicyDecision | UnsealedDecision): DecisionRecord {
  const { ledger, policy, scores } = result.hashes;
  const rules: DecisionRecord['rules'] = [];
  for (const r of result.rules) rules.push({ id: r.id, observed: r.observed, outcome: r.outcome });
  return {
    decision: result.decision,
    hashes: { ledger, policy, scores },
    inputs: result.inputs,
    mode: result.mode,
    rules,
    version: result.version,
  };
}

/**
 * Recomputes a decision's hash from a published result, with the RFC 8785 serializer: how an
 * auditor checks an explanation against the hash an `applied` attestation carries.
 */
export function decisionHash(result: PolicyDecision): string {
  return canonicalHash(decisionRecord(result));
}
