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
  /**
   * Where the trust scores and the ledger digest come from when this ledger state has none yet
   * (the app: a pool worker); undefined from it, or without it, they are computed here.
   */
  trust?: TrustSource;
}

/**
 * What a decision reads off the whole ledger: every system's trust score, the hash that names
 * the scores, and the digest of the entries in standing (`ledger.digest()`).
 */
export interface LedgerTrust {
  scores: ReadonlyMap<string, number>;
  scoreHash: string;
  digest: string;
}

/**
 * The scores and digest of `ledger` as it stands when called (computed elsewhere, the same bits
 * as core's own), or undefined to have them computed on the caller's thread.
 */
export type TrustSource = (ledger: Ledger) => Promise<LedgerTrust | undefined>;

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
  /** Once answered by a TrustSource for this very state, or computed here. */
  read?: LedgerTrust;
  /** Being computed here, for this state (no source can cancel it under another caller). */
  here?: Promise<LedgerTrust>;
}

const facts = new WeakMap<Ledger, LedgerFacts>();

const isState = (known: LedgerFacts, ledger: Ledger) =>
  known.size === ledger.size && known.registry === ledger.registry();

/**
 * The trust scores and the ledger digest, computed once per state of the ledger and shared by
 * every decision on it: each costs a pass over every entry (at 100k entries, seconds on a
 * page's thread), and an Inbox judges each of its bundles in turn. Admission only adds entries
 * and the registry object is replaced whenever standing may have changed, so an equal size and
 * the same registry mean the same ledger.
 */
function ledgerFacts(ledger: Ledger): LedgerFacts {
  const known = facts.get(ledger);
  if (known !== undefined && isState(known, ledger)) return known;
  const fresh: LedgerFacts = { size: ledger.size, registry: ledger.registry() };
  facts.set(ledger, fresh);
  return fresh;
}

/** Both read off `ledger` as it stands now (the digest's pass over the entries runs at once). */
async function readHere(ledger: Ledger): Promise<LedgerTrust> {
  const digest = ledger.digest();
  const params = defaultReputationParams(reputationClock(ledger));
  const { scores, scoreHash } = computeReputation(reputationInputs(ledger, params), params);
  return { scores, scoreHash, digest: await digest };
}

/**
 * The scores and digest of the state `known` describes: kept, else asked of `trust` (which
 * reads the ledger as it is at the call, this very state), else computed here. A ledger that
 * grew while a source was asked is read as it now stands, as a decision made now would be, and
 * that is not kept for the older state.
 */
async function factsOf(
  known: LedgerFacts,
  ledger: Ledger,
  trust: TrustSource | undefined,
): Promise<LedgerTrust> {
  if (known.read !== undefined) return known.read;
  if (trust !== undefined) {
    const answered = await trust(ledger);
    if (answered !== undefined) return (known.read ??= answered);
    if (known.read !== undefined) return known.read;
  }
  if (!isState(known, ledger)) return readHere(ledger);
  known.here ??= readHere(ledger).then((read) => (known.read ??= read));
  return known.here;
}

export function policyDecider(
  policy: CompiledPolicy,
  options: DeciderOptions,
): (request: DecisionRequest) => Promise<DecisionOutcome & { explanation: PolicyDecision }> {
  return async (request) => {
    const { patch, report, provenance, ledger, fuzz, via, attesters, actingRole } = request;
    const read = await factsOf(ledgerFacts(ledger), ledger, options.trust);
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
      scores: read.scores,
      scoreHash: read.scoreHash,
      ledgerDigest: read.digest,
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
    const inflated = inflatedSelfReports(ledger, hops as Entry[], read.scores);
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
