/**
 * Binds the policy engine to the agent: for one patch, computes the reputation scores, the
 * ledger digest and the target's tree hash, evaluates the compiled policy, and answers in the
 * agent's terms (allow or deny, the decision hash, the reasons and what is missing, and the
 * warnings a person should read even when the answer is allow).
 */
import type { Tree } from '../diff/tree.ts';
import { treeHash } from '../diff/tree-hash.ts';
import type { CompiledPolicy } from '../policy/evaluate.ts';
import type { PolicyDecision } from '../policy/types.ts';
import {
  computeReputation,
  defaultReputationParams,
  evidenceClock,
  reputationClock,
  reputationInputs,
} from '../reputation/index.ts';
import type { Entry } from '../ledger/entry.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Registry } from '../ledger/registry.ts';
import type { ReputationResult } from '../reputation/types.ts';
import { passkeyBacked } from '../ledger/passkeys.ts';
import { inlineName } from '../encoding/display.ts';
import type { Provenance } from '../ledger/queries.ts';
import type { Identity } from '../ledger/registry.ts';
import { describeSelfReport, inflatedSelfReports } from './self-report.ts';
import type { DecisionOutcome, DecisionRequest } from './types.ts';

export interface DeciderOptions {
  now: Date;
  /** The target as it is now; its tree hash is what `target-tree` rules compare. */
  tree?: Tree;
  /** Installed components and their versions, from the device's state (device-state.ts). */
  components?: Readonly<Record<string, string>>;
  /**
   * The newest ledger time this device trusts (its last sync); default: the newest entry in
   * standing by a team member other than the deciding device (`evidenceClock`).
   */
  newestLedgerTime?: string;
}

/** Every rule that failed in `warn` mode: reported, never denying, always said. */
function warningsOf(result: PolicyDecision): string[] {
  return result.rules.filter((r) => r.outcome === 'warn').map((r) => `${r.id}: ${r.message}`);
}

/**
 * A compromise flag the policy does not look at (it has no `not-flagged` rule) is still said:
 * the answer may be allow, and nobody should apply a flagged patch without knowing. A policy
 * with the rule has said whose flags count, and its outcome says the rest.
 */
function unheededFlags(
  policy: CompiledPolicy,
  provenance: Provenance,
  names: ReadonlyMap<string, Identity>,
): string[] {
  if (policy.policy.rules.some((rule) => rule.kind === 'not-flagged')) return [];
  return provenance.flags
    .filter((flag) => flag.compromised)
    .map((flag) => {
      const who = names.get(flag.author)?.name || flag.author;
      return `flagged compromised by ${who} (“${inlineName(flag.evidence, 120)}”); the policy in force has no not-flagged rule, so the flag does not deny`;
    });
}

/** What a decision reads off the whole ledger: the same for every patch until the ledger grows. */
interface LedgerFacts {
  size: number;
  registry: Registry;
  scores: ReputationResult;
  digest: Promise<string>;
}

const facts = new WeakMap<Ledger, LedgerFacts>();

/**
 * The trust scores and the ledger digest, computed once per state of the ledger and shared by
 * every decision on it: each costs a pass over every entry (at 100k entries, seconds on a
 * page's thread), and an Inbox judges each of its bundles in turn. Admission only adds entries
 * and the registry object is replaced whenever standing may have changed, so an equal size and
 * the same registry mean the same ledger.
 */
function ledgerFacts(ledger: Ledger): LedgerFacts {
  const registry = ledger.registry();
  const known = facts.get(ledger);
  if (known !== undefined && known.size === ledger.size && known.registry === registry)
    return known;
  const params = defaultReputationParams(reputationClock(ledger));
  const scores = computeReputation(reputationInputs(ledger, params), params);
  const fresh = { size: ledger.size, registry, scores, digest: ledger.digest() };
  facts.set(ledger, fresh);
  return fresh;
}

export function policyDecider(
  policy: CompiledPolicy,
  options: DeciderOptions,
): (request: DecisionRequest) => Promise<DecisionOutcome & { explanation: PolicyDecision }> {
  return async (request) => {
    const { patch, report, provenance, ledger, fuzz, via, attesters, actingRole } = request;
    const known = ledgerFacts(ledger);
    const scores = known.scores;
    // Hops for `attestations` with a passkey, flags for `admin-passkey` (rules-admin.ts).
    const backed = await passkeyBacked(ledger, [
      ...provenance.hops.map((h) => h.id),
      ...provenance.flags.map((f) => f.id),
    ]);
    const result = policy.evaluate({
      patch,
      metadata: {
        creator: report.predicate.creator_identity,
        reason: report.predicate.reason_for_patch,
        components: report.predicate.affected_components,
      },
      provenance,
      via,
      bundleAttestations: attesters.map(({ did, verdict }) => ({ did, verdict })),
      passkeyBacked: backed,
      identities: ledger.registry().identities,
      scores: scores.scores,
      scoreHash: scores.scoreHash,
      ledgerDigest: await known.digest,
      now: options.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      newestLedgerTime:
        options.newestLedgerTime ?? evidenceClock(ledger, request.device, options.now),
      system: {
        treeHash: options.tree === undefined ? '' : await treeHash(options.tree),
        components: options.components ?? {},
      },
      actingRole,
      fuzz,
    });
    const hops = provenance.hops.map((h) => ledger.get(h.id)).filter((e) => e !== undefined);
    const inflated = inflatedSelfReports(ledger, hops as Entry[], scores.scores);
    const names = ledger.registry().identities;
    const flags = inflated.map(
      (r) => `self-reported score: ${describeSelfReport(r, names.get(r.did)?.name ?? '')}`,
    );
    return {
      decision: result.decision,
      hash: result.hashes.decision,
      reasons: [...result.reasons, ...result.missing],
      warnings: [...warningsOf(result), ...flags, ...unheededFlags(policy, provenance, names)],
      selfReports: inflated,
      explanation: result,
    };
  };
}
