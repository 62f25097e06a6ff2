/**
 * The policy in force, read from the ledger's `policy` entries: a deterministic function of
 * the admitted set, like the registry, so peers holding the same entries agree whatever order
 * they arrived in.
 *
 * - Only entries in standing whose author is an admin at that entry count (registry.isAdmin).
 * - The body's policy must pass `readPolicy` and carry the body's version; others are listed
 *   in `rejected` with the reason.
 * - A (version, policy hash) takes effect once `threshold` distinct admins (genesis) published
 *   it. Distinct means distinct systems: a key and the keys it rotated from or to count once.
 * - The highest version in effect wins: a lower or equal version never replaces a higher one.
 * - Two different policies with the same version that both reach the threshold conflict; the
 *   one with the smaller policy hash (as a string, "sha256:…") wins, and the conflict is
 *   reported.
 * - No policy in effect: `compiled` is undefined, and callers deny (default deny).
 * - A policy whose CEL expression does not compile is rejected like one whose `pattern` does
 *   not. So the choice never depends on whether CEL is loaded: a counted policy with a `cel`
 *   rule needs the engine (`{ cel }`, or `effectivePolicyAsync`), else MALFORMED_INPUT says so.
 */
import { isPatchtrailError, type ErrorCode } from '../errors.ts';
import type { Entry } from '../ledger/entry.ts';
import type { PolicyBody } from '../ledger/kinds.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { passkeyBacked } from '../ledger/passkeys.ts';
import { loadCelEngine, usesCel } from './cel-load.ts';
import { systemRoot } from './chain.ts';
import { canonicalHash, readPolicy } from './document.ts';
import { celEngineRequired, CompiledPolicy, type CompileOptions } from './evaluate.ts';
import { passkeyActions } from './rules-admin.ts';
import type { PolicyDocument } from './types.ts';

export interface PolicyCandidate {
  version: number;
  hash: string;
  /** The policy entries that published it (counted ones), in id order. */
  entries: string[];
  /** The distinct admins counted (first key seen per system), sorted. */
  signers: string[];
}

export interface PolicyConflict {
  version: number;
  /** The competing policy hashes, sorted; the first is the one chosen. */
  hashes: string[];
  chosen: string;
  rule: string;
}

export interface EffectivePolicy {
  /** The policy in force, compiled; undefined when none reached the threshold (deny all). */
  compiled: CompiledPolicy | undefined;
  /** The candidate in force, with its entries and signers. */
  current: PolicyCandidate | undefined;
  threshold: number;
  /** Reached the threshold but replaced by a higher version (or lost a conflict). */
  superseded: PolicyCandidate[];
  /** Below the threshold so far. */
  pending: PolicyCandidate[];
  conflicts: PolicyConflict[];
  /** Policy entries that cannot count, with why. */
  rejected: { id: string; code: ErrorCode; message: string }[];
}

const CONFLICT_RULE =
  'two policies with one version reached the threshold: the smaller policy hash wins';

interface Group extends PolicyCandidate {
  policy: PolicyDocument;
  /** Every admitted admin entry that published it, with its author's system. */
  members: { id: string; author: string; root: string }[];
}

/** Options: the CEL engine, and which policy entries carry a verified passkey assertion. */
export interface EffectiveOptions extends CompileOptions {
  /**
   * Policy entry ids whose passkey assertion verifies (ledger/passkeys.ts, asynchronous, so
   * the caller computes it; `effectivePolicyAsync` does). Absent: none does, which only
   * matters under a policy whose `admin-passkey` rule names `policy`.
   */
  passkeyBacked?: ReadonlySet<string>;
}

const PASSKEY_MISSING =
  'the policy in force requires an admin’s passkey for policy: this entry carries no verified passkey assertion, so it does not count';

/** Counts a group's members, one per system; with `strict`, only passkey-backed ones. */
function count(group: Group, strict: boolean, backed: ReadonlySet<string> | undefined): Group {
  const roots = new Set<string>();
  const entries: string[] = [];
  const signers: string[] = [];
  for (const m of group.members) {
    if ((strict && backed?.has(m.id) !== true) || roots.has(m.root)) continue;
    roots.add(m.root);
    entries.push(m.id);
    signers.push(m.author);
  }
  return { ...group, entries, signers };
}

function byVersionThenHash(a: PolicyCandidate, b: PolicyCandidate): number {
  if (a.version !== b.version) return b.version - a.version;
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

export function effectivePolicy(ledger: Ledger, options: EffectiveOptions = {}): EffectivePolicy {
  const registry = ledger.registry();
  const threshold = ledger.genesis.body.threshold;
  const rejected: EffectivePolicy['rejected'] = [];
  const groups = new Map<string, Group>();
  const entries = [...ledger.ofKind('policy')].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const entry of entries as Entry<'policy'>[]) {
    const why = registry.standing(entry);
    if (why !== undefined) {
      rejected.push({ id: entry.id, code: why.code, message: why.message });
      continue;
    }
    if (!registry.isAdmin(entry.author, entry.seq)) {
      rejected.push({ id: entry.id, code: 'INVALID_METADATA', message: 'a policy takes an admin' });
      continue;
    }
    const body: PolicyBody = entry.body;
    let policy: PolicyDocument;
    try {
      policy = readPolicy(body.policy, options.cel);
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      rejected.push({ id: entry.id, code: error.code, message: error.message });
      continue;
    }
    if (policy.version !== body.version) {
      const message = `the entry says version ${body.version}, its policy ${policy.version}`;
      rejected.push({ id: entry.id, code: 'INVALID_METADATA', message });
      continue;
    }
    const cel = policy.rules.find((r) => r.kind === 'cel');
    if (cel !== undefined && options.cel === undefined) celEngineRequired(cel.id);
    const hash = canonicalHash(policy);
    const key = `${policy.version} ${hash}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { version: policy.version, hash, entries: [], signers: [], policy, members: [] };
      groups.set(key, group);
    }
    const root = systemRoot(registry.identities, entry.author);
    group.members.push({ id: entry.id, author: entry.author, root });
  }
  return choose([...groups.values()], threshold, rejected, options);
}

/**
 * Walks the versions upwards: at each, the policies that reach the threshold (the smaller
 * hash wins a conflict) replace the one in force. While the policy in force has an
 * `admin-passkey` rule naming `policy`, a higher version counts only its passkey-backed
 * entries; the others are listed in `rejected` (POLICY_DENIED) with why. Without such a rule
 * this is "the highest version in effect wins", as before.
 */
function choose(
  groups: Group[],
  threshold: number,
  rejected: EffectivePolicy['rejected'],
  options: EffectiveOptions,
): EffectivePolicy {
  const versions = [...new Set(groups.map((g) => g.version))].sort((a, b) => a - b);
  const reachedAll: Group[] = [];
  const pendingAll: Group[] = [];
  let inForce: Group | undefined;
  for (const version of versions) {
    const strict = inForce !== undefined && passkeyActions(inForce.policy).has('policy');
    const counted = groups
      .filter((g) => g.version === version)
      .map((g) => count(g, strict, options.passkeyBacked));
    if (strict)
      for (const g of counted)
        for (const m of g.members)
          if (options.passkeyBacked?.has(m.id) !== true)
            rejected.push({ id: m.id, code: 'POLICY_DENIED', message: PASSKEY_MISSING });
    const reached = counted.filter((g) => g.signers.length >= threshold).sort(byVersionThenHash);
    pendingAll.push(...counted.filter((g) => g.signers.length < threshold));
    reachedAll.push(...reached);
    inForce = reached[0] ?? inForce;
  }
  return summary(inForce, reachedAll, pendingAll, threshold, rejected, options);
}

function summary(
  winner: Group | undefined,
  reachedAll: Group[],
  pendingAll: Group[],
  threshold: number,
  rejected: EffectivePolicy['rejected'],
  options: CompileOptions,
): EffectivePolicy {
  const candidate = ({ version, hash, entries: ids, signers }: Group): PolicyCandidate => ({
    version,
    hash,
    entries: ids,
    signers: [...signers].sort(),
  });
  const reached = [...reachedAll].sort(byVersionThenHash);
  const pending = [...pendingAll].sort(byVersionThenHash).map(candidate);
  const conflicts: PolicyConflict[] = [];
  for (const [i, group] of reached.entries()) {
    if (i > 0 && (reached[i - 1] as Group).version === group.version) continue;
    const rivals = reached.filter((g) => g.version === group.version).map((g) => g.hash);
    if (rivals.length > 1)
      conflicts.push({
        version: group.version,
        hashes: rivals,
        chosen: group.hash,
        rule: CONFLICT_RULE,
      });
  }
  const rest = reached.filter((g) => g !== winner);
  return {
    compiled: winner === undefined ? undefined : new CompiledPolicy(winner.policy, options),
    current: winner === undefined ? undefined : candidate(winner),
    threshold,
    superseded: rest.map(candidate),
    pending,
    conflicts,
    rejected,
  };
}

/** Whether a policy body names an `admin-passkey` rule (read before any check). */
const asksPasskeys = (policy: unknown): boolean => {
  const rules = (policy as { rules?: unknown } | null)?.rules;
  return (
    Array.isArray(rules) && rules.some((r) => (r as { kind?: unknown })?.kind === 'admin-passkey')
  );
};

/**
 * `effectivePolicy`, loading the CEL engine first when a policy entry has a `cel` rule, and
 * checking policy entries' passkey assertions when a policy entry has an `admin-passkey` rule.
 */
export async function effectivePolicyAsync(ledger: Ledger): Promise<EffectivePolicy> {
  const entries = [...ledger.ofKind('policy')] as Entry<'policy'>[];
  const options: EffectiveOptions = {};
  if (entries.some((e) => usesCel(e.body.policy))) options.cel = await loadCelEngine();
  if (entries.some((e) => asksPasskeys(e.body.policy)))
    options.passkeyBacked = await passkeyBacked(
      ledger,
      entries.map((e) => e.id),
    );
  return effectivePolicy(ledger, options);
}
